/**
 * Another local user (`nobody`, through runuser) learns nothing from `flint ui`: with the browser
 * "opened" (a stand-in xdg-open that keeps running with the arguments flint ui gave it), nobody
 * reads every /proc/<pid>/cmdline it can, finds no sign-in secret there, cannot read the launcher
 * page whose path is there, and cannot use the API with anything it found (no fs:list-dir of a
 * 0700 directory). The running user's own sign-in works, once per code.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOfLink, signInHeaders } from '../../helpers/bridge-session';
import { skipReason } from '../../helpers/requirements';

const ROOT = resolve(__dirname, '../../..');
const FLINT = join(ROOT, 'bin/flint.mjs');
const why = skipReason({ tools: ['runuser', 'sh'], root: true });

/** What `nobody` does; it gets the port, the secrets to look for and a private dir on stdin. */
const NOBODY = `
const fs = require('node:fs');
(async () => {
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const api = 'http://127.0.0.1:' + input.port;
  const out = { uid: process.getuid(), cmdlines: 0, leaks: [], openerSeen: false, candidates: [], usable: [], launcherReads: [], anonymous: 0 };
  const args = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d))) {
    let cmd;
    try { cmd = fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8'); } catch { continue; }
    out.cmdlines++;
    const parts = cmd.split('\\0');
    args.push(...parts);
    if (input.secrets.some((s) => cmd.includes(s))) out.leaks.push(parts.join(' '));
    if (parts.some((a) => a.includes('fake-xdg-open'))) out.openerSeen = true;
  }
  for (const a of args) for (const m of a.matchAll(/(?:token|code)=([A-Za-z0-9_-]{16,})/g)) out.candidates.push(m[1]);
  for (const a of args.filter((a) => /\\.html$/.test(a) && a.startsWith('/'))) {
    try { fs.readFileSync(a); out.launcherReads.push(a + ': READ'); } catch (e) { out.launcherReads.push(a + ': ' + e.code); }
  }
  const call = (headers, path = '/api/fs:list-dir') =>
    fetch(api + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ path: input.privateDir }) })
      .then((r) => r.status).catch(() => 0);
  out.anonymous = await call({});
  for (const c of out.candidates) {
    for (const h of [{ 'x-flint-token': c }, { cookie: 'flint_session=' + c }]) if ((await call(h)) === 200) out.usable.push(c);
    if ((await call({}, '/api/fs:list-dir?token=' + c)) === 200) out.usable.push(c);
    const signIn = await fetch(api + '/api/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: c }) }).catch(() => null);
    if (signIn && signIn.status === 200) out.usable.push('sign-in with ' + c);
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

describe.skipIf(why)('flint ui and another local user', () => {
  let dir = '';
  let ui: ChildProcess | null = null;
  let openerPid = 0;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-other-user-'));
    mkdirSync(join(dir, 'renderer'));
    writeFileSync(join(dir, 'renderer/index.html'), '<!doctype html><title>Flint</title>');
    mkdirSync(join(dir, 'private'), { mode: 0o700 });
    writeFileSync(join(dir, 'private/only-root.txt'), 'x');
    mkdirSync(join(dir, 'bin'));
    // the stand-in browser opener: notes its arguments and pid, then keeps running so that its
    // command line stays in /proc while nobody looks
    const opener = join(dir, 'bin/fake-xdg-open');
    writeFileSync(opener, '#!/bin/sh\nprintf \'%s\\n\' "$$" "$@" > "$FLINT_TEST_OPEN_LOG"\nwhile :; do sleep 1; done\n');
    chmodSync(opener, 0o755);
    writeFileSync(join(dir, 'bin/xdg-open'), `#!/bin/sh\nexec ${opener} "$@"\n`);
    chmodSync(join(dir, 'bin/xdg-open'), 0o755);
    chmodSync(dir, 0o755); // nobody may list nothing of value here; the private dir stays 0700
  });

  afterAll(() => {
    if (ui && ui.exitCode === null) ui.kill('SIGKILL');
    if (openerPid > 0) spawnSync('kill', ['-9', String(openerPid)]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('cannot read a sign-in secret from any command line nor use the API', async () => {
    const log = join(dir, 'opened.log');
    ui = spawn(process.execPath, [FLINT, 'ui', '--port', '0', '--renderer-dir', join(dir, 'renderer')], {
      env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FLINT_TEST_OPEN_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    ui.stdout!.on('data', (c) => (out += c));
    const link = await new Promise<string>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no sign-in link printed: ${out}`)), 30_000);
      ui!.stdout!.on('data', () => {
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)\n/.exec(out.split('\n').find((l) => /Sign in|token=/.test(l)) + '\n');
        if (m) {
          clearTimeout(t);
          res(m[1]!);
        }
      });
    });
    const port = Number(new URL(link).port);
    for (let i = 0; i < 100 && !existsSync(log); i++) await new Promise((r) => setTimeout(r, 100));
    const [pid, ...opened] = readFileSync(log, 'utf8').trim().split('\n');
    openerPid = Number(pid);
    // the running user's secrets: the printed link's code, and the one in the launcher page
    const secrets = [new URL(link).hash.slice(1).replace(/^code=/, ''), new URL(link).searchParams.get('token') ?? ''].filter(
      (s) => s.length >= 16,
    );
    const launcher = opened.find((a) => a.endsWith('.html'));
    const launcherCode = launcher ? /#code=([A-Za-z0-9_-]+)/.exec(readFileSync(launcher, 'utf8'))?.[1] : undefined;
    if (launcherCode) secrets.push(launcherCode);

    const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', NOBODY], {
      input: JSON.stringify({ port, secrets, privateDir: join(dir, 'private') }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    const seen = JSON.parse(r.stdout) as {
      uid: number;
      cmdlines: number;
      leaks: string[];
      openerSeen: boolean;
      candidates: string[];
      usable: string[];
      launcherReads: string[];
      anonymous: number;
    };
    expect(seen.uid).toBe(65534);
    expect(seen.openerSeen).toBe(true); // the browser opener's command line was read...
    expect(seen.leaks).toEqual([]); // ...and no command line held a secret
    expect(seen.usable).toEqual([]);
    expect(seen.anonymous).toBe(401);
    expect(launcher).toBeDefined();
    expect(seen.launcherReads).toEqual([`${launcher}: EACCES`]);
    expect((await import('node:fs')).statSync(launcher!).mode & 0o777).toBe(0o600);
    expect((await import('node:fs')).statSync(dirname(launcher!)).mode & 0o777).toBe(0o700);

    // the user's own browser: the launcher's code signs in once, and so does the printed link's
    const origin = `http://127.0.0.1:${port}`;
    const auth = await signInHeaders(origin, launcherCode!);
    const list = await fetch(`${origin}/api/fs:list-dir`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ path: join(dir, 'private') }),
    });
    expect(list.status).toBe(200);
    await expect(signInHeaders(origin, launcherCode!)).rejects.toThrow(/401/);
    await signInHeaders(origin, codeOfLink(link));
    // a spent launcher page is removed
    for (let i = 0; i < 50 && existsSync(launcher!); i++) await new Promise((res) => setTimeout(res, 20));
    expect(existsSync(launcher!)).toBe(false);

    const exited = new Promise<number | null>((res) => ui!.once('exit', (code) => res(code)));
    ui.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(dirname(launcher!))).toBe(false);
  }, 120_000);
});
