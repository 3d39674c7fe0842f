import type { PxeOptions } from '../../electron/contract/pxe';
import type { DownloadOptions } from '../../electron/core/stream/download';
import { fetchStreamMetadata, selectRelease, type Release } from '../../electron/core/stream/metadata';
import { TEST_KEY, populateMirror, startMirrorServer, type MirrorServer, type PopulateOptions } from './mirror-server';

/** The release of tests/fixtures/stream/stable.json, the stream every test mirror serves. */
export const FIXTURE_RELEASE = '44.20260707.3.1';

/** A running local mirror and the release it serves, as Flint selects it from the stream metadata. */
export interface ReleaseMirror {
  server: MirrorServer;
  release: Release;
}

/**
 * Fills `root` with populateMirror(`artifacts`), serves it on 127.0.0.1 and reads the release back
 * through fetchStreamMetadata/selectRelease. Close `server` when done (afterEach or finally).
 */
export async function startReleaseMirror(root: string, artifacts: PopulateOptions): Promise<ReleaseMirror> {
  await populateMirror(root, artifacts);
  const server = await startMirrorServer({ root });
  try {
    const metadata = await fetchStreamMetadata(artifacts.stream ?? 'stable', { baseUrl: server.url });
    return { server, release: selectRelease(metadata, artifacts.arch ?? 'x86_64') };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** Download options for a test mirror: trust the test key, retry fast. */
export function testDownloadOptions(cacheDir: string, extra: DownloadOptions = {}): DownloadOptions {
  return { cacheDir, keyrings: [TEST_KEY.publicArmored], retryDelayMs: 10, ...extra };
}

/** Network boot options for the fixture release (x86_64 iPXE, rootfs by URL), with `over` applied. */
export function fixturePxeOptions(over: Partial<PxeOptions> = {}): PxeOptions {
  return {
    stream: 'stable',
    arch: 'x86_64',
    release: FIXTURE_RELEASE,
    format: 'ipxe',
    rootfs: 'url',
    ignition: 'none',
    kargs: '',
    baseUrl: 'http://10.0.0.2:8080/',
    ...over,
  };
}
