import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice } from '../../helpers/loop';
import { fixtureIso } from '../../helpers/fixtures';
import { FLINT_BIN } from '../../helpers/paths';
import { devHelperCommand } from '../../../electron/core/write/elevate';
import { encodeJob } from '../../../electron/core/write/job';
import { HelperExit, parseEventLine, type WriteEvent } from '../../../electron/core/write/events';
import { ERROR_CODES } from '../../../electron/contract/error-codes';
import type { Drive } from '../../../electron/core/drives/types';
import { WRITE_REQS, loopDrive, randomImage, tempDir } from './setup';
import { readBytes } from '../../helpers/read-bytes';

const why = skipReason({ ...WRITE_REQS, tools: [...WRITE_REQS.tools, 'script'] });
const FLINT = FLINT_BIN;
const MiB = 1024 * 1024;

describe.skipIf(why)('the helper protocol and the drives/write CLI', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });
  const loop = (size: number) => {
    const l = createLoopDevice(size);
    cleanups.push(() => l.remove());
    return l;
  };

  it('closing stdin cancels the helper (the only way to cancel an elevated helper): exit 3, first MiB wiped', async () => {
    const dir = tempDir('flint-img-');
    cleanups.push(() => dir.remove());
    const image = join(dir.path, 'img');
    randomImage(image, 32);
    const l = loop(40 * MiB);
    const d = await loopDrive(l.device);
    const h = devHelperCommand();
    const child = spawn(h.command, h.args, {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, FLINT_TEST_HOOKS: '1', FLINT_TEST_BLOCK_DELAY_MS: '200' },
    });
    const events: WriteEvent[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      const e = parseEventLine(line);
      if (!e) return;
      events.push(e);
      if (e.type === 'progress' && e.phase === 'write' && e.bytes >= 8 * MiB) child.stdin.end();
    });
    child.stdin.write(
      encodeJob({
        image,
        plan: { imageSize: 32 * MiB, writes: [] },
        targets: [{ device: d.device, size: d.size, serial: d.serial, model: d.model }],
        allowLoop: true,
        verify: true,
        eject: false,
      }) + '\n',
    );
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(code).toBe(HelperExit.CANCELLED);
    const done = events.find((e) => e.type === 'done');
    expect(done).toMatchObject({
      cancelled: true,
      results: [{ device: l.device, ok: false, ending: 'cancelled-wiped', wiped: true, error: { code: ERROR_CODES.WRITE_CANCELLED } }],
    });
    expect(events[0]).toMatchObject({ type: 'start', devices: [l.device], imageSize: 32 * MiB });
    expect(readBytes(l.device, 0, MiB).every((b) => b === 0)).toBe(true);
    expect(readBytes(l.device, MiB, MiB).equals(readFileSync(image).subarray(MiB, 2 * MiB))).toBe(true);
  });

  it('a malformed job is a fatal event and exit 2', () => {
    const h = devHelperCommand();
    let status = 0;
    let stdout = '';
    try {
      execFileSync(h.command, h.args, { input: '{"version":1}\n', encoding: 'utf8' });
    } catch (e) {
      ({ status, stdout } = e as { status: number; stdout: string });
    }
    expect(status).toBe(HelperExit.BAD_JOB);
    expect(parseEventLine(stdout)).toMatchObject({ type: 'fatal', error: { code: ERROR_CODES.WRITE_JOB_INVALID } });
  });

  it('`flint drives` lists loop devices only with --allow-loop, system disks only with --all (never as targets)', () => {
    const l = loop(8 * MiB);
    const run = (...args: string[]) =>
      JSON.parse(execFileSync(process.execPath, [FLINT, 'drives', '--json', ...args], { encoding: 'utf8' })) as Drive[];
    expect(run().some((d) => d.device === l.device)).toBe(false);
    const withLoop = run('--allow-loop').find((d) => d.device === l.device);
    expect(withLoop).toMatchObject({ loop: true, size: 8 * MiB, system: false });
    for (const d of run('--all')) {
      expect(d.loop).toBe(false);
      if (d.mountpoints.includes('/')) expect(d.system).toBe(true);
    }
    const text = execFileSync(process.execPath, [FLINT, 'drives', '--allow-loop'], { encoding: 'utf8' });
    expect(text).toMatch(new RegExp(`^${l.device} +8\\.4 MB +loop +Loop device +\\[loop\\]$`, 'm'));
  });

  it('`flint write` on a terminal asks, and anything but "yes" writes nothing', async () => {
    const iso = await fixtureIso('embed-areas-2023-07.x86_64');
    const l = loop(4 * MiB);
    const cmd = [process.execPath, FLINT, 'write', '--image', iso, '--target', l.device, '--allow-loop'].map((a) => `'${a}'`).join(' ');
    let out = '';
    try {
      execFileSync('script', ['-qec', cmd, '/dev/null'], { input: 'no\n', encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string }).stdout;
    }
    // the prompt names each target's device, model, size and serial (a loop device has none)
    expect(out).toMatch(
      new RegExp(
        `Everything on this drive will be erased:\\s+${l.device}  Loop device  4\\.2 MB  no serial[\\s\\S]*Type "yes" to continue:`,
      ),
    );
    expect(out).toMatch(/Error: Cancelled; nothing was written/);
    expect(readBytes(l.device, 0, MiB).every((b) => b === 0)).toBe(true);
  });
});
