import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLINT_BIN, runFlintText } from '../../helpers/cli';
import { TEST_KEY, populateMirror, startMirrorServer, type MirrorServer, type PopulatedMirror } from '../../helpers/mirror-server';

let work: string;
let server: MirrorServer;
let mirror: PopulatedMirror;
let keyFile: string;

/** Runs the real CLI in the work dir, stdout as text. */
const flint = (args: string[], env: Record<string, string> = {}) => runFlintText(args, { cwd: work, env });

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'flint-cli-dl-'));
  mirror = await populateMirror(path.join(work, 'mirror'), {
    iso: randomBytes(1 << 20),
    kernel: randomBytes(4096),
    initramfs: randomBytes(8192),
    rootfs: randomBytes(16384),
  });
  server = await startMirrorServer({ root: path.join(work, 'mirror') });
  keyFile = path.join(work, 'test-key.pub.asc');
  await writeFile(keyFile, TEST_KEY.publicArmored);
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('flint streams / download / cache', () => {
  it('streams --json shows the release of the mirrored stream', async () => {
    const r = await flint(['streams', '--stream', 'stable', '--arch', 'x86_64', '--base-url', server.url, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rel = JSON.parse(r.stdout);
    expect(rel).toMatchObject({ stream: 'stable', arch: 'x86_64', release: '44.20260707.3.1', date: '2026-07-21T14:07:12Z' });
    expect(rel.iso.url).toBe(`${server.url}${mirror.files.iso!.urlPath}`);
    expect(rel.iso.sha256).toBe(mirror.files.iso!.sha256);
  });

  it('streams without --stream lists unavailable streams in text form', async () => {
    const r = await flint(['streams', '--arch', 'x86_64', '--base-url', server.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'stable 44.20260707.3.1 (x86_64), published 2026-07-21T14:07:12Z\n  iso        fedora-coreos-44.20260707.3.1-live-iso.x86_64.iso\n',
    );
    expect(r.stdout).toContain(`testing unavailable: The mirror has no "testing" stream\n`);
  });

  it('download --format pxe --dir places verified files and prints their paths; cache list shows them', async () => {
    const cache = path.join(work, 'cache');
    const out = path.join(work, 'out');
    const r = await flint([
      'download',
      '--format',
      'pxe',
      '--arch',
      'x86_64',
      '--base-url',
      server.url,
      '--keyring',
      keyFile,
      '--cache-dir',
      cache,
      '--dir',
      out,
    ]);
    expect(r.stderr.split('\n').map((l) => l.replace(/ \(.*$/, ''))).toEqual([
      'downloading fedora-coreos-44.20260707.3.1-live-kernel.x86_64: 100%',
      'downloading fedora-coreos-44.20260707.3.1-live-initramfs.x86_64.img: 100%',
      'downloading fedora-coreos-44.20260707.3.1-live-rootfs.x86_64.img: 100%',
      '',
    ]);
    expect(r.code).toBe(0);
    const names = ['kernel', 'initramfs', 'rootfs'].map((k) => path.basename(mirror.files[k as 'kernel']!.file));
    expect(r.stdout).toBe(names.map((n) => path.join(out, n) + '\n').join(''));
    for (const k of ['kernel', 'initramfs', 'rootfs'] as const) {
      const f = mirror.files[k]!;
      expect(readFileSync(path.join(out, path.basename(f.file))).equals(readFileSync(f.file))).toBe(true);
      expect(existsSync(path.join(out, path.basename(f.file) + '.sig'))).toBe(true);
    }
    const list = await flint(['cache', 'list', '--cache-dir', cache, '--json']);
    expect(
      JSON.parse(list.stdout)
        .entries.map((e: { name: string }) => e.name)
        .sort(),
    ).toEqual([...names].sort());

    const again = await flint([
      'download',
      '--format',
      'pxe',
      '--arch',
      'x86_64',
      '--base-url',
      server.url,
      '--keyring',
      keyFile,
      '--cache-dir',
      cache,
      '--json',
    ]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).files.map((f: { cached: boolean }) => f.cached)).toEqual([true, true, true]);

    const pruned = await flint(['cache', 'prune', '--all', '--cache-dir', cache]);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout.split('\n').filter((l) => l.startsWith('removed '))).toHaveLength(9);
    expect((await flint(['cache', 'list', '--cache-dir', cache])).stdout).toBe(`cache: ${cache}\n(empty)\n`);
  });

  it('download without the test key fails before the ISO, with one error line naming the key and --keyring', async () => {
    const r = await flint(['download', '--arch', 'x86_64', '--base-url', server.url, '--cache-dir', path.join(work, 'c2')]);
    expect(r.code).toBe(1);
    const name = path.basename(mirror.files.iso!.file);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('Error'))).toHaveLength(1);
    expect(r.stderr).toBe(
      `Error: ${name} is signed by key 5FBDA8071BF24B78, which is not a trusted key; nothing was downloaded: ` +
        'if this mirror signs with its own key, pass its public key with --keyring FILE\n',
    );
    expect(server.requests.filter((q) => q.path === mirror.files.iso!.urlPath)).toEqual([]);
    expect(r.stdout).toBe('');
  });

  it('Ctrl-C (SIGINT) cancels a download and keeps the partial file for resume', async () => {
    const cache = path.join(work, 'c3');
    const iso = mirror.files.iso!;
    server.addFault(iso.urlPath, { kind: 'throttle', bytesPerSecond: 256 * 1024 });
    const child = spawn(
      process.execPath,
      [FLINT_BIN, 'download', '--arch', 'x86_64', '--base-url', server.url, '--keyring', keyFile, '--cache-dir', cache],
      { cwd: work },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve) =>
        child.stderr.on('data', (d) => {
          stderr += d;
          if (stderr.includes('downloading')) resolve();
        }),
      );
      child.kill('SIGINT');
      expect(await exited).toBe(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      server.clearFaults();
    }
    const name = path.basename(iso.file);
    const m = new RegExp(`\\nError: Download of ${name.replace(/\./g, '\\.')} was cancelled: (\\d+) bytes kept for resume\\n$`).exec(
      stderr,
    );
    expect(m, stderr).not.toBeNull();
    const partial = path.join(cache, '.partial', `${name}.part`);
    expect(readFileSync(partial).length).toBe(Number(m![1]));
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(stdout).toBe('');
    expect(existsSync(path.join(cache, name))).toBe(false);
  });

  it('--stream stabel lists the valid streams instead of a 404', async () => {
    const r = await flint(['download', '--stream', 'stabel', '--base-url', server.url, '--cache-dir', path.join(work, 'c-typo')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Error: There is no stream "stabel"; did you mean "stable"?: the streams are stable, testing, next: ${server.url}/streams/stabel.json does not exist\n`,
    );
  });

  it('rejects a bad --fetch-retries value', async () => {
    const r = await flint(['download', '--fetch-retries', 'many', '--base-url', server.url]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--fetch-retries needs a whole number, got "many"');
  });
});
