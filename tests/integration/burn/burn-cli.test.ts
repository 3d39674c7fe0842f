// `flint burn` against real loop devices: the stick holds exactly what `flint iso customize`
// produces for the same flags, the report carries the config read back, and every refusal
// (unsigned download, missing --yes, loop without --allow-loop, bad flags) leaves the target untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { useLoopDevices, useTempDir } from '../../helpers/lifecycle';
import { type LoopDevice } from '../../helpers/loop';
import { COREOS_FIXTURES, fixtureIso } from '../../helpers/fixtures';
import { runFlint } from '../../helpers/cli';
import { sha256 } from '../../e2e/boot/lib/report';
import { liveConfigContents } from '../../e2e/boot/lib/ignition-data';
import { populateMirror, startMirrorServer, type MirrorServer } from '../../helpers/mirror-server';
import { head } from '../../helpers/read-bytes';

const why = skipReason({ tools: ['losetup'], root: true });
const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');
const FIXTURE = 'embed-areas-2023-07.x86_64';

describe.skipIf(why)('flint burn (CLI, loop devices)', () => {
  const tmp = useTempDir('flint-burn-it-');
  let iso = '';
  let isoBytes: Buffer;
  let mirror: MirrorServer | undefined;
  const stick = useLoopDevices();

  beforeAll(async () => {
    iso = tmp.join('fedora-coreos-38.20230718.dev.0-live.x86_64.iso');
    writeFileSync(iso, readFileSync(await fixtureIso(FIXTURE)));
    isoBytes = readFileSync(iso);
    await populateMirror(tmp.join('mirror'), { iso: { file: iso } });
    mirror = await startMirrorServer({ root: tmp.join('mirror') });
  });
  afterAll(async () => {
    await mirror?.close();
  });
  const untouched = (l: LoopDevice) => head(l.device, 1 << 20).every((b) => b === 0);

  /** `flint iso customize ARGS -o OUT` on the pristine fixture; returns the output bytes. */
  async function customized(name: string, args: string[]): Promise<Buffer> {
    const out = tmp.join(name);
    const r = await runFlint(['iso', 'customize', ...args, '-o', out, iso]);
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(out);
  }

  it('writes to two sticks exactly what `iso customize` makes, and reports the config read back', async () => {
    const want = await customized('c1.iso', [
      '--live-ignition',
      LIVE_IGN,
      '--live-karg-append',
      'coreos.liveiso.fromram',
      '--live-karg-append',
      'foo=1',
    ]);
    const a = stick();
    const b = stick();
    const r = await runFlint([
      'burn',
      '--iso',
      iso,
      '--ignition',
      LIVE_IGN,
      '--fromram',
      '--karg',
      'foo=1',
      '--target',
      a.device,
      '--target',
      b.device,
      '--allow-loop',
      '--yes',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.toString('utf8'));
    const show = await runFlint(['iso', 'ignition', 'show', tmp.join('c1.iso')]);
    expect(report.ok).toBe(true);
    // run as root, burn writes in-process: no helper process, no prompt
    expect(report.writer).toBe('in-process');
    expect(report.image).toMatchObject({ path: iso, sha256: sha256(isoBytes) });
    expect(report.targets.map((t: { target: { device: string } }) => t.target.device)).toEqual([a.device, b.device]);
    for (const t of report.targets) {
      expect(t).toMatchObject({
        ok: true,
        ending: 'verified',
        configSha256: sha256(show.stdout),
        expectedConfigSha256: sha256(show.stdout),
      });
      expect(t.kargs).toContain('coreos.liveiso.fromram foo=1');
    }
    for (const l of [a, b]) expect(head(l.device, want.length).equals(want)).toBe(true);
  }, 120_000);

  it('--ignition takes a Butane config: the stick carries its translation, merged into the live config', async () => {
    const l = stick();
    const r = await runFlint([
      'burn',
      '--iso',
      iso,
      '--ignition',
      join(COREOS_FIXTURES, 'customize', 'live.bu'),
      '--target',
      l.device,
      '--allow-loop',
      '--yes',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.toString('utf8'));
    expect(report.targets[0]).toMatchObject({ ok: true, configSha256: report.targets[0].expectedConfigSha256 });
    const copy = tmp.join('from-bu.iso');
    writeFileSync(copy, head(l.device, isoBytes.length));
    const show = await runFlint(['iso', 'ignition', 'show', copy]);
    expect(sha256(show.stdout)).toBe(report.targets[0].configSha256);
    const merged = liveConfigContents(show.stdout.toString('utf8')).merges;
    expect(merged).toHaveLength(1);
    // the fixture's live.ign is upstream's translation of live.bu
    expect(JSON.parse(merged[0].toString('utf8'))).toEqual(JSON.parse(readFileSync(LIVE_IGN, 'utf8')));
  }, 60_000);

  it('downloads from a signed mirror and verifies before writing; an unknown signer writes nothing', async () => {
    const cache = tmp.join('cache-unsigned');
    const l = stick();
    const bad = await runFlint([
      'burn',
      '--stream',
      'stable',
      '--base-url',
      mirror!.url,
      '--cache-dir',
      cache,
      '--target',
      l.device,
      '--allow-loop',
      '--yes',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^Error: /);
    expect(untouched(l)).toBe(true);

    const good = await runFlint([
      'burn',
      '--stream',
      'stable',
      '--base-url',
      mirror!.url,
      '--cache-dir',
      cache,
      '--keyring',
      join(COREOS_FIXTURES, 'verify', 'test-key.pub.asc'),
      '--target',
      l.device,
      '--allow-loop',
      '--yes',
      '--json',
    ]);
    expect(good.code, good.stderr).toBe(0);
    const report = JSON.parse(good.stdout.toString('utf8'));
    expect(report.image).toMatchObject({ sha256: sha256(isoBytes), signature: 'verified', stream: 'stable' });
    expect(head(l.device, isoBytes.length).equals(isoBytes)).toBe(true);
  }, 120_000);

  it("refuses an invalid config with every error listed, and prints a valid config's live-boot warnings", async () => {
    const l = stick();
    const bad = tmp.join('bad.ign');
    writeFileSync(bad, '{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":42}]},"storage":{"files":[{"path":"etc/motd"}]}}');
    const refused = await runFlint(['burn', '--iso', iso, '--ignition', bad, '--target', l.device, '--allow-loop', '--yes']);
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error at \$\.passwd\.users\[0\]\.name: /);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^Error: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a valid config \\(\\d+ errors?\\)$`),
    );
    expect(untouched(l)).toBe(true);
    const warns = tmp.join('warns.ign');
    writeFileSync(warns, JSON.stringify({ ignition: { version: '3.4.0' }, storage: { disks: [{ device: '/dev/sda', wipeTable: true }] } }));
    const ok = await runFlint(['burn', '--iso', iso, '--ignition', warns, '--target', l.device, '--allow-loop', '--yes']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(
      new RegExp(
        `^Warning: ${warns.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\$\\.storage\\.disks\\[0\\]\\.wipeTable: .* \\[LIVE_WIPE_TABLE\\]$`,
        'm',
      ),
    );
    expect(ok.stdout.toString()).toContain(`${l.device}: written and verified`);
  }, 60_000);

  it('refuses without --yes when not on a terminal, and a loop device without --allow-loop', async () => {
    const l = stick();
    const noYes = await runFlint(['burn', '--iso', iso, '--target', l.device, '--allow-loop']);
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toMatch(/^Error: .*--yes/);
    const noLoop = await runFlint(['burn', '--iso', iso, '--target', l.device, '--yes']);
    expect(noLoop.code).toBe(1);
    expect(noLoop.stderr.trim().split('\n')).toHaveLength(1);
    expect(noLoop.stderr).toMatch(/loop/i);
    expect(untouched(l)).toBe(true);
  }, 60_000);

  it('rejects bad sources and options with one error line, before touching anything', async () => {
    const l = stick();
    const cases: [string[], RegExp][] = [
      [['--iso', iso, '--stream', 'stable'], /--iso.*--stream|--stream.*--iso/],
      [[], /--stream.*--iso|--iso.*--stream/],
      [['--iso', tmp.join('missing.iso')], /missing\.iso/],
      [['--iso', iso, '--ignition', tmp.join('missing.ign')], /missing\.ign/],
    ];
    for (const [args, msg] of cases) {
      const r = await runFlint(['burn', ...args, '--target', l.device, '--allow-loop', '--yes']);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
    const asJson = await runFlint(['burn', '--iso', tmp.join('missing.iso'), '--target', l.device, '--allow-loop', '--yes', '--json']);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout.toString('utf8'))).toMatchObject({ ok: false, error: { code: 'FLASH_ISO_NOT_FOUND' } });
    const noTarget = await runFlint(['burn', '--iso', iso, '--yes']);
    expect(noTarget.code).not.toBe(0);
    expect(untouched(l)).toBe(true);
  }, 60_000);
});
