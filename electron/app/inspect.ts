/**
 * Feature "inspect": what is on a connected stick (release, embedded config, kargs, network
 * files), read only, by the core function behind `flint stick show`
 * (electron/core/iso/stick.ts). Electron-free.
 */
import { gunzipSync } from 'node:zlib';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { StickView } from '../contract/site';
import { codedError } from '../core/errors';
import { ERROR_CODES } from '../contract/error-codes';
import { decodeDataUrl } from '../core/ignition/butane/dataurl';
import { MAX_RESOURCE_BYTES } from '../core/iso/live-config-read';
import { readStickContentsAt, type StickContents } from '../core/iso/stick';
import type { Session } from './session';

const utf8 = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** Pretty JSON when it parses, else the text as it is. */
function readable(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * The config the stick's person wrote: coreos-installer wraps the given configs as inline merges of
 * config.ign (docs/live-iso-format.md §5); each inline one is decoded, a remote one is named.
 */
function configText(live: string): string {
  let parsed: { ignition?: { config?: { merge?: { source?: string; compression?: string }[] } } };
  try {
    parsed = JSON.parse(live) as typeof parsed;
  } catch {
    return live;
  }
  const merges = parsed.ignition?.config?.merge ?? [];
  const inner = merges.map((m) => {
    const src = m.source ?? '';
    if (!src.startsWith('data:')) return `// merged from ${src}`;
    try {
      const raw = decodeDataUrl(src);
      const bytes = m.compression === 'gzip' ? gunzipSync(raw, { maxOutputLength: MAX_RESOURCE_BYTES }) : raw;
      return readable(Buffer.from(bytes).toString('utf8'));
    } catch (err) {
      return `// unreadable merged config: ${(err as Error).message}`;
    }
  });
  return inner.length ? inner.join('\n\n') : readable(live);
}

/** The view of a stick's contents. */
export function stickView(c: StickContents): StickView {
  const r = c.release;
  const name = r.productName ?? 'Unknown CoreOS build';
  const members = c.customization.members;
  const live = members.find((m) => m.kind === 'live-config');
  return {
    device: c.source.path,
    // worded as `flint stick show` words it (electron/cli/commands/stick.ts releaseLine)
    release: r.version
      ? `${name} ${r.version}${r.stream ? ` (${r.stream})` : r.developerBuild ? ' (developer build, no stream)' : ''}`
      : `${name} (${r.volumeId})`,
    arch: c.arch,
    volumeId: r.volumeId,
    customized: c.customized,
    imageSize: c.imageSize,
    config: live ? configText(utf8(live.data)) : null,
    configSha256: c.liveConfig?.sha256 ?? null,
    kargs: c.kargs?.current ?? null,
    kargsAppended: c.kargs?.changes.append ?? [],
    kargsDeleted: c.kargs?.changes.delete ?? [],
    network: members
      .filter((m) => m.kind === 'network-keyfile')
      .map((m) => {
        const k = c.networkKeyfiles.find((x) => m.path.endsWith(`/${x.name}`));
        const summary = k
          ? [k.interfaceName ?? k.id, k.ipv4Method && `ipv4 ${k.ipv4Method}`, ...k.ipv4Addresses].filter(Boolean).join(', ')
          : '';
        return { name: m.path.slice(m.path.lastIndexOf('/') + 1), text: utf8(m.data), summary };
      }),
    otherFiles: members.filter((m) => m.kind === 'other').map((m) => ({ path: m.path, size: m.size })),
  };
}

/** stick:inspect — reads the stick the page picked (by the id of the last listing); writes nothing. */
export async function inspectStick(s: Session, req: InvokeRequest<'stick:inspect'>): Promise<InvokeResponse<'stick:inspect'>> {
  const d = s.drives.get(req.driveId);
  if (!d) throw codedError(ERROR_CODES.WRITE_TARGET_NOT_FOUND, { device: req.driveId }, 'That drive is gone; plug it in again');
  return stickView(await readStickContentsAt(d.device));
}
