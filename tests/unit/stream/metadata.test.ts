import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../electron/core/errors';
import {
  STREAMS,
  nodeArchToCoreos,
  normalizeArch,
  parseStreamMetadata,
  selectRelease,
  streamUrl,
  artifactName,
  type StreamMetadata,
} from '../../../electron/core/stream/metadata';

const fixture = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/stream/stable.json'), 'utf8'));
const clone = (): StreamMetadata => JSON.parse(JSON.stringify(fixture));
const BASE = 'https://builds.coreos.fedoraproject.org/prod/streams/stable/builds/44.20260707.3.1/x86_64/';

function thrown(fn: () => unknown): FlintError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlintError);
    return err as FlintError;
  }
  throw new Error('expected a FlintError');
}

describe('architectures', () => {
  it('maps Node arch names to CoreOS ones', () => {
    expect(nodeArchToCoreos('x64')).toBe('x86_64');
    expect(nodeArchToCoreos('arm64')).toBe('aarch64');
    expect(nodeArchToCoreos('s390x')).toBe('s390x');
    expect(normalizeArch('aarch64')).toBe('aarch64');
    expect(normalizeArch('x64')).toBe('x86_64');
  });
  it('refuses architectures CoreOS is not built for', () => {
    const e = thrown(() => nodeArchToCoreos('ia32'));
    expect(e.code).toBe('STREAM_ARCH_UNSUPPORTED');
    expect(e.message).toBe("Fedora CoreOS is not built for this machine's architecture (ia32)");
  });
});

describe('stream URLs', () => {
  it('lists the production streams and joins base URLs', () => {
    expect(STREAMS).toEqual(['stable', 'testing', 'next']);
    expect(streamUrl('stable')).toBe('https://builds.coreos.fedoraproject.org/streams/stable.json');
    expect(streamUrl('next', 'http://127.0.0.1:8080/mirror/')).toBe('http://127.0.0.1:8080/mirror/streams/next.json');
    expect(thrown(() => streamUrl('../etc/passwd')).code).toBe('STREAM_INVALID_NAME');
  });
  it('takes file names from the last URL segment and refuses unsafe ones', () => {
    expect(artifactName(`${BASE}fedora-coreos-44.20260707.3.1-live-iso.x86_64.iso`)).toBe(
      'fedora-coreos-44.20260707.3.1-live-iso.x86_64.iso',
    );
    expect(thrown(() => artifactName('https://example.org/dir/')).code).toBe('STREAM_METADATA_INVALID');
    expect(thrown(() => artifactName('https://example.org/a%2F..')).code).toBe('STREAM_METADATA_INVALID');
    expect(thrown(() => artifactName('file:///etc/passwd')).code).toBe('STREAM_METADATA_INVALID');
  });
});

describe('selectRelease on the real stable stream', () => {
  it('selects the metal live ISO and the PXE artifacts, release and date', () => {
    const r = selectRelease(parseStreamMetadata(clone()), 'x64');
    expect(r).toEqual({
      stream: 'stable',
      arch: 'x86_64',
      release: '44.20260707.3.1',
      date: '2026-07-21T14:07:12Z',
      iso: {
        url: `${BASE}fedora-coreos-44.20260707.3.1-live-iso.x86_64.iso`,
        sigUrl: `${BASE}fedora-coreos-44.20260707.3.1-live-iso.x86_64.iso.sig`,
        sha256: '8ffd0d0fc218eae95c578ec12839fe598d60f96de85fab63d424ad021ed1a62f',
        name: 'fedora-coreos-44.20260707.3.1-live-iso.x86_64.iso',
      },
      pxe: {
        kernel: {
          url: `${BASE}fedora-coreos-44.20260707.3.1-live-kernel.x86_64`,
          sigUrl: `${BASE}fedora-coreos-44.20260707.3.1-live-kernel.x86_64.sig`,
          sha256: 'b0389e187ed951727560f517d589f3daa2736dc34dc9aa245b986d72b6f6c3ee',
          name: 'fedora-coreos-44.20260707.3.1-live-kernel.x86_64',
        },
        initramfs: {
          url: `${BASE}fedora-coreos-44.20260707.3.1-live-initramfs.x86_64.img`,
          sigUrl: `${BASE}fedora-coreos-44.20260707.3.1-live-initramfs.x86_64.img.sig`,
          sha256: '360c3b6b4cc8a58807fca8ac6947c8ec578e482af52d2311ae99ef02fe9d8dc5',
          name: 'fedora-coreos-44.20260707.3.1-live-initramfs.x86_64.img',
        },
        rootfs: {
          url: `${BASE}fedora-coreos-44.20260707.3.1-live-rootfs.x86_64.img`,
          sigUrl: `${BASE}fedora-coreos-44.20260707.3.1-live-rootfs.x86_64.img.sig`,
          sha256: 'b500e557397bc76c87b83e17cb0f149a1386ca4e1fd79e61c6e10fe8361c5b44',
          name: 'fedora-coreos-44.20260707.3.1-live-rootfs.x86_64.img',
        },
      },
    });
  });

  it('uses coreos-installer wording for a missing architecture or format', () => {
    const e = thrown(() => selectRelease(parseStreamMetadata(clone()), 'aarch64'));
    expect(e.code).toBe('STREAM_ARTIFACT_NOT_FOUND');
    expect(e.message).toBe("couldn't find architecture aarch64, platform metal in stream metadata");
    expect(e.causes).toEqual(['available architectures: x86_64']);
    const m = clone();
    delete (m.architectures.x86_64.artifacts.metal.formats as Record<string, unknown>).pxe;
    expect(thrown(() => selectRelease(m, 'x86_64')).message).toBe(
      "couldn't find architecture x86_64, platform metal, format pxe in stream metadata",
    );
  });

  it('falls back to <location>.sig and leaves out an unparsable date', () => {
    const m = clone();
    delete (m.architectures.x86_64.artifacts.metal.formats.iso.disk as Record<string, unknown>).signature;
    m.metadata = { 'last-modified': 'yesterday' };
    const r = selectRelease(m, 'x86_64');
    expect(r.iso.sigUrl).toBe(`${r.iso.url}.sig`);
    expect(r.date).toBeUndefined();
  });
});

describe('malformed metadata gives STREAM_METADATA_INVALID, never a crash', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', [1, 2], 'the document is not a JSON object'],
    ['null', null, 'the document is not a JSON object'],
    ['no stream', { architectures: {} }, '"stream" is missing or not a string'],
    ['no architectures', { stream: 'stable' }, '"architectures" is missing or not an object'],
    ['architecture without artifacts', { stream: 'stable', architectures: { x86_64: {} } }, 'architectures.x86_64.artifacts is missing'],
  ];
  it.each(cases)('%s', (_name, doc, cause) => {
    const e = thrown(() => parseStreamMetadata(doc, 'http://m/streams/stable.json'));
    expect(e.code).toBe('STREAM_METADATA_INVALID');
    expect(e.message).toBe('Malformed stream metadata from http://m/streams/stable.json');
    expect(e.causes).toEqual([cause]);
  });

  it('checks artifact entries when selecting', () => {
    const bad = clone();
    (bad.architectures.x86_64.artifacts.metal.formats.iso.disk as Record<string, unknown>).sha256 = 'xyz';
    expect(thrown(() => selectRelease(bad, 'x86_64')).causes).toEqual([
      'architectures.x86_64.artifacts.metal.formats.iso.disk.sha256 is not a SHA-256 hex digest',
    ]);
    const noLoc = clone();
    delete (noLoc.architectures.x86_64.artifacts.metal.formats.pxe.rootfs as Record<string, unknown>).location;
    expect(thrown(() => selectRelease(noLoc, 'x86_64')).causes).toEqual([
      'architectures.x86_64.artifacts.metal.formats.pxe.rootfs.location is missing',
    ]);
    const noRelease = clone();
    (noRelease.architectures.x86_64.artifacts.metal as unknown as Record<string, unknown>).release = 7;
    expect(thrown(() => selectRelease(noRelease, 'x86_64')).code).toBe('STREAM_METADATA_INVALID');
    const noDisk = clone();
    (noDisk.architectures.x86_64.artifacts.metal.formats as Record<string, unknown>).iso = { disk: 'x' };
    expect(thrown(() => selectRelease(noDisk, 'x86_64')).causes).toEqual([
      'architectures.x86_64.artifacts.metal.formats.iso.disk is missing',
    ]);
  });
});
