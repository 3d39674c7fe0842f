// `flint burn` on a terminal (a real pseudo-terminal from util-linux `script`): it asks before
// erasing (naming each target's size, model and serial), "no" writes nothing, "yes" writes with one
// progress line per target (phase, percent, speed, ETA) redrawn in place.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { skipReason } from '../../helpers/requirements';
import { useLoopDevices, useTempDir } from '../../helpers/lifecycle';
import { fixtureIso } from '../../helpers/fixtures';
import { runFlintOnTerminal } from '../../helpers/cli';
import { head } from '../../helpers/read-bytes';

const why = skipReason({ tools: ['losetup', 'script'], root: true });

describe.skipIf(why)('flint burn on a terminal', () => {
  const tmp = useTempDir('flint-burn-tty-');
  let iso = '';
  const stick = useLoopDevices();
  beforeAll(async () => {
    iso = tmp.join('live.iso');
    writeFileSync(iso, readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')));
  });

  it('asks first: "no" leaves the stick alone, "yes" writes it with a progress line per target', async () => {
    const l = stick(8 << 20);
    const no = await runFlintOnTerminal(['burn', '--iso', iso, '--target', l.device, '--allow-loop'], 'no');
    expect(no.output).toContain('Everything on this drive will be erased:');
    expect(no.output).toContain(`  ${l.device}  Loop device  8.4 MB  no serial`);
    expect(no.code).toBe(1);
    expect(no.output).toContain('Error: Cancelled; nothing was written');
    expect(head(l.device, 1 << 20).every((b) => b === 0)).toBe(true);

    const yes = await runFlintOnTerminal(['burn', '--iso', iso, '--fromram', '--target', l.device, '--allow-loop'], 'yes');
    expect(yes.code, yes.output).toBe(0);
    // the progress block: the target's own line, redrawn in place (cursor up), ending in its result
    expect(yes.output).toMatch(new RegExp(`${l.device} +(writing|verifying) +\\d+%`));
    expect(yes.output).toContain('\x1b[1A');
    expect(yes.output).toMatch(new RegExp(`${l.device} +written and verified`));
    expect(yes.output).toContain(`${l.device}: written and verified`);
    const pristine = readFileSync(iso);
    expect(head(l.device, pristine.length).equals(pristine)).toBe(false); // customized: the kargs changed
    expect(head(l.device, 32768).equals(pristine.subarray(0, 32768))).toBe(true);
  }, 120_000);

  it("a fleet on a terminal: the prompt, the plan and every progress line name each stick's machine", async () => {
    const [a, b] = [stick(8 << 20), stick(8 << 20)];
    const fleet = tmp.join('fleet.yaml');
    writeFileSync(fleet, 'machines:\n  - name: web1\n    hostname: web1.example\n  - name: web2\n');
    const r = await runFlintOnTerminal(
      ['burn', '--iso', iso, '--fleet', fleet, '--target', a.device, '--target', b.device, '--allow-loop'],
      'yes',
    );
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(`  ${a.device}  Loop device  8.4 MB  no serial -> web1 (row 1, web1.example)`);
    expect(r.output).toContain(`  ${b.device}  Loop device  8.4 MB  no serial -> web2 (row 2)`);
    expect(r.output).toMatch(new RegExp(`${a.device} -> web1 \\(row 1, web1.example\\): live config [0-9a-f]{64}`));
    expect(r.output).toMatch(new RegExp(`${b.device} web2 +written and verified`));
    expect(r.output).toContain(`${b.device} -> web2 (row 2): written and verified`);
  }, 120_000);
});
