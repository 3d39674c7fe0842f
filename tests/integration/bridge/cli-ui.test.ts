/**
 * `flint ui` as a user runs it: prints the loopback address and a one-time sign-in link, serves
 * the renderer there, stops cleanly on SIGTERM; a bad --port is one error line and exit 1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FLINT_BIN } from '../../helpers/paths';
import { outputOf } from '../../helpers/output';
import { codeOfLink, signInHeaders } from '../../helpers/bridge-session';

const FLINT = FLINT_BIN;

describe('flint ui', () => {
  let child: ChildProcess | null = null;
  let dir = '';

  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the renderer on 127.0.0.1 with a one-time sign-in link and stops on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-ui-cli-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Flint UI</title>');
    child = spawn(process.execPath, [FLINT, 'ui', '--no-open', '--port', '0', '--renderer-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = outputOf(child, 'stdout');
    const url = (await out.match(/Sign in with this link[^:]*: (http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]+)\n/, 30_000))[1];
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Flint UI</title>');
    const origin = new URL(url).origin;
    const info = await fetch(new URL('/api/app:info', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await signInHeaders(origin, codeOfLink(url))) },
      body: '{}',
    });
    expect(await info.json()).toMatchObject({ ok: true, value: { name: 'Flint', mode: 'browser' } });
    // the link works once; a signed-out page asks the process for a new one, shown on its terminal
    await expect(signInHeaders(origin, codeOfLink(url))).rejects.toThrow(/401/);
    const ask = () => fetch(`${origin}/api/sign-in/new`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const asked = await ask();
    expect(asked.status).toBe(200);
    expect(JSON.stringify(await asked.json())).not.toMatch(/code/); // the answer holds no link
    expect((await ask()).status).toBe(429);
    const fresh = (await out.match(/New sign-in link \(asked for by a browser\): (\S+)\n/, 10_000))[1];
    await signInHeaders(origin, codeOfLink(fresh));
    const exited = new Promise<number | null>((res) => child!.on('exit', (code) => res(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad port with one error line', () => {
    const r = spawnSync(process.execPath, [FLINT, 'ui', '--no-open', '--port', 'http'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['Error: --port must be 0..65535, not http']);
  });
});
