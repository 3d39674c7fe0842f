/**
 * `flint ui` keeps answering while it refuses a hostile Butane upload: a few KiB of nested `<<`
 * merge keys and of alias fan-out (generated here) go through `file:load-bytes`; meanwhile
 * `app:info` is answered, both uploads end with a clear result, and SIGTERM stops the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOfLink, signInHeaders } from '../../helpers/bridge-session';
import { aliasFanOut, nestedMerges } from '../../helpers/hostile-butane';

const FLINT = resolve(__dirname, '../../../bin/flint.mjs');

describe('flint ui under a hostile upload', () => {
  let dir = '';
  let ui: ChildProcess | null = null;
  afterAll(() => {
    if (ui && ui.exitCode === null) ui.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers other requests, refuses the upload, and stops on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-hostile-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Flint</title>');
    ui = spawn(process.execPath, [FLINT, 'ui', '--no-open', '--port', '0', '--renderer-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const link = await new Promise<string>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no sign-in link: ${out}`)), 30_000);
      ui!.stdout!.on('data', (c) => {
        out += c;
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]+)/.exec(out);
        if (m) {
          clearTimeout(t);
          res(m[1]!);
        }
      });
    });
    const origin = new URL(link).origin;
    const headers = { 'content-type': 'application/json', ...(await signInHeaders(origin, codeOfLink(link))) };
    const call = (channel: string, body: unknown) =>
      fetch(`${origin}/api/${channel}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) }).then(
        async (r) => ({ at: Date.now(), body: (await r.json()) as { ok: boolean; value?: { report?: { errors: { code: string }[] } } } }),
      );
    const t0 = Date.now();
    const merges = call('file:load-bytes', { kind: 'config', name: 'merges.bu', text: nestedMerges(40) });
    const fanOut = call('file:load-bytes', { kind: 'config', name: 'laughs.bu', text: aliasFanOut(2000) });
    const info = call('app:info', {});
    const [m, f, i] = await Promise.all([merges, fanOut, info]);
    expect(i.body).toMatchObject({ ok: true, value: { name: 'Flint' } });
    // the bounded expansion keeps every answer within seconds (the unbounded one took minutes)
    expect(i.at - t0).toBeLessThan(20_000);
    expect(f.at - t0).toBeLessThan(30_000);
    expect(m.body).toMatchObject({ ok: true, value: { report: { ok: true } } });
    expect(f.body.value?.report?.errors.map((e) => e.code)).toEqual(['BUTANE_TOO_LARGE']);

    const exited = new Promise<number | null>((res) => ui!.once('exit', (code) => res(code)));
    const stopAt = Date.now();
    ui.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
  }, 120_000);
});
