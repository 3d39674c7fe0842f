// A site boot mirror that follows a stream: `pxe download` into a folder, configs recorded there,
// then `refresh` / `flint serve --refresh` against a local upstream (tests/helpers/mirror-server)
// whose stream moves to a new release. Artifacts are signed at run time with the throw-away
// coreos-installer test key, which is trusted only through the keyring option.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FlintError } from '../../../electron/core/errors';
import { addMirrorConfig, downloadPxe, readManifest, refreshMirror, type MirrorOptions } from '../../../electron/core/pxe/mirror';
import { TEST_KEY, populateMirror, sha256File, signFile, startMirrorServer, type MirrorServer } from '../../helpers/mirror-server';
import { FLINT_BIN, ROOT } from '../../helpers/paths';
import { outputOf } from '../../helpers/output';

const A = '44.20260707.3.1'; // the release of tests/fixtures/stream/stable.json
const B = '44.20260801.3.0';
const C = '44.20260815.3.0';
const KINDS = ['kernel', 'initramfs', 'rootfs'] as const;

/** Moves the upstream stream from release `from` to `to` with fresh artifacts; returns them by kind. */
async function moveStream(up: string, from: string, to: string, opts: { badSignature?: boolean } = {}): Promise<Record<string, Buffer>> {
  const streamFile = join(up, 'streams/stable.json');
  const doc = JSON.parse((await readFile(streamFile, 'utf8')).split(from).join(to));
  const pxe = doc.architectures.x86_64.artifacts.metal.formats.pxe;
  const out: Record<string, Buffer> = {};
  for (const kind of KINDS) {
    const data = randomBytes(40_000);
    const file = join(up, new URL(pxe[kind].location).pathname);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, data);
    pxe[kind].sha256 = await sha256File(file);
    const sig = opts.badSignature ? randomBytes(300) : await signFile(file);
    await writeFile(join(up, new URL(pxe[kind].signature).pathname), sig);
    out[kind] = data;
  }
  await writeFile(streamFile, JSON.stringify(doc, null, 2));
  return out;
}

const nameOf = (kind: string, v: string) =>
  kind === 'kernel' ? `fedora-coreos-${v}-live-kernel.x86_64` : `fedora-coreos-${v}-live-${kind}.x86_64.img`;

describe('boot mirror: download, recorded configs, refresh when the stream moves', () => {
  let tmp = '';
  let up = '';
  let site = '';
  let upstream: MirrorServer;
  let opts: MirrorOptions;
  const first: Record<string, Buffer> = {};

  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flint-pxe-mirror-'));
    up = join(tmp, 'upstream');
    site = join(tmp, 'site');
    for (const k of KINDS) first[k] = randomBytes(50_000);
    await populateMirror(up, { kernel: first.kernel, initramfs: first.initramfs, rootfs: first.rootfs });
    upstream = await startMirrorServer({ root: up });
    opts = { keyrings: [TEST_KEY.publicArmored], cacheDir: join(tmp, 'cache') };
  });
  afterEach(async () => {
    await upstream?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('downloads verified artifacts, records configs, and rewrites them only after a verified refresh', async () => {
    const got = await downloadPxe(site, { ...opts, streamBaseUrl: upstream.url, arch: 'x86_64' });
    expect(got.release).toBe(A);
    for (const k of KINDS) expect(readFileSync(got.paths[k]).equals(first[k]), k).toBe(true);
    const g = await addMirrorConfig(site, {
      format: 'ipxe',
      baseUrl: 'http://192.0.2.10:8080/',
      rootfs: { mode: 'url' },
      ignition: { mode: 'url', url: 'http://192.0.2.10:8080/config.ign' },
      output: 'boot.ipxe',
    });
    expect(g.ramNeeded).toBe(2 * 1024 ** 3);
    await addMirrorConfig(site, {
      format: 'pxelinux',
      baseUrl: 'http://192.0.2.10:8080/',
      rootfs: { mode: 'url' },
      ignition: { mode: 'initrd', name: 'ignition.img' },
      output: 'pxelinux.cfg/default',
    });
    expect(readFileSync(join(site, 'boot.ipxe'), 'utf8')).toContain(`set VERSION ${A}\n`);
    expect(readFileSync(join(site, 'pxelinux.cfg/default'), 'utf8')).toContain(`KERNEL ${nameOf('kernel', A)}\n`);

    // stream unchanged: nothing downloaded again
    const before = upstream.count(A);
    expect(await refreshMirror(site, opts)).toEqual({ changed: false, from: A, to: A, removed: [] });
    expect(upstream.count(A)).toBe(before);

    // the stream moves but the new signatures are bad: the mirror keeps serving A untouched
    await moveStream(up, A, B, { badSignature: true });
    const e = await refreshMirror(site, opts).then(
      () => null,
      (err: FlintError) => err,
    );
    expect(e?.code).toMatch(/SIGNATURE/);
    expect((await readManifest(site))?.release).toBe(A);
    expect(readFileSync(join(site, 'boot.ipxe'), 'utf8')).toContain(`set VERSION ${A}\n`);
    for (const k of KINDS) expect(existsSync(join(site, nameOf(k, A))), k).toBe(true);

    // properly signed: new artifacts in, scripts rewritten, old release removed
    const second = await moveStream(up, B, B);
    const r = await refreshMirror(site, opts);
    expect(r.changed).toBe(true);
    expect([r.from, r.to]).toEqual([A, B]);
    expect(r.removed.sort()).toEqual(KINDS.map((k) => nameOf(k, A)).sort());
    for (const k of KINDS) {
      expect(readFileSync(join(site, nameOf(k, B))).equals(second[k]), k).toBe(true);
      expect(existsSync(join(site, nameOf(k, A))), k).toBe(false);
    }
    const ipxe = readFileSync(join(site, 'boot.ipxe'), 'utf8');
    expect(ipxe).toContain(`set VERSION ${B}\n`);
    expect(ipxe).toContain('initrd --name main ${BASEURL}/fedora-coreos-${VERSION}-live-initramfs.x86_64.img');
    expect(readFileSync(join(site, 'pxelinux.cfg/default'), 'utf8')).toContain(
      `coreos.live.rootfs_url=http://192.0.2.10:8080/${nameOf('rootfs', B)} ignition.firstboot ignition.platform.id=metal`,
    );
  });

  it('flint serve --refresh pulls the new release at start and serves the rewritten script', async () => {
    await downloadPxe(site, { ...opts, streamBaseUrl: upstream.url, arch: 'x86_64' });
    await addMirrorConfig(site, {
      format: 'ipxe',
      baseUrl: 'http://192.0.2.10/',
      rootfs: { mode: 'initrd' },
      ignition: { mode: 'url', url: 'tftp://192.0.2.10/config.ign' },
      output: 'boot.ipxe',
    });
    const third = await moveStream(up, A, C);
    const key = join(tmp, 'test-key.asc');
    writeFileSync(key, TEST_KEY.publicArmored);
    const child = spawn(
      'node',
      [
        FLINT_BIN,
        'serve',
        '--dir',
        site,
        '--bind',
        '127.0.0.1',
        '--port',
        '0',
        '--refresh',
        '--keyring',
        key,
        '--cache-dir',
        join(tmp, 'cache'),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out = outputOf(child, 'stdout');
    const err = outputOf(child, 'stderr');
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const url = (await err.match(/serving .* at (http:\/\/\S+)/))[1];
      // the refresh runs in the background while the old release is served
      await out.match(/refresh: \S+ -> \S+; scripts rewritten/);
      expect(out.text).toContain(`refresh: ${A} -> ${C}; scripts rewritten`);
      const script = await (await fetch(new URL('boot.ipxe', url))).text();
      expect(script).toContain(`set VERSION ${C}\n`);
      expect(script).toContain('initrd --name rootfs ${BASEURL}/fedora-coreos-${VERSION}-live-rootfs.x86_64.img');
      const part = await fetch(new URL(nameOf('rootfs', C), url), { headers: { Range: 'bytes=100-199' } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(third.rootfs.subarray(100, 200))).toBe(true);
      expect((await fetch(new URL(nameOf('rootfs', A), url))).status).toBe(404);
      await out.match(/ GET "\/boot\.ipxe" 200 \d+\n/); // logged once the response is sent
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    }
    expect(await exited).toBe(0);
  });
});
