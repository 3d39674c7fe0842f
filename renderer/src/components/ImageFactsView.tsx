import type { ImageState } from '../../../electron/contract/api';
import { formatBytes } from '../format';

const ORIGIN: Record<ImageState['origin'], string> = {
  download: 'Downloaded',
  cache: 'From the cache',
  local: 'Local file',
};

/** Names the key that verified the signature: Fedora's bundled key, or an extra key by its user id and fingerprint. */
export function signerText(image: ImageState): string {
  const k = image.signedBy;
  if (!k) return 'Signature verified';
  const who = k.userId ?? `key ${k.fingerprint.slice(-16)}`;
  return k.bundled ? `Signature verified with Fedora's key (${who})` : `Signature verified with ${who}, an extra trusted key`;
}

/** The selected image: where it came from, its signature state and its facts. */
export function ImageFactsView(props: { image: ImageState }) {
  const { image } = props;
  const f = image.facts;
  return (
    <div className="card" aria-label="Selected image">
      <div className="card-title">
        <h3>{image.name}</h3>
        <div className="row">
          <span className="badge">{ORIGIN[image.origin]}</span>
          {image.signature === 'verified' ? (
            <span className="badge ok" title={image.signedBy ? `Key ${image.signedBy.fingerprint}` : undefined}>
              {signerText(image)}
            </span>
          ) : (
            <span className="badge warn">No signature checked</span>
          )}
        </div>
      </div>
      {f.customized && (
        <div className="notice warn">
          <strong>This image is already customized.</strong>
          <span>Flint replaces its embedded config and kernel arguments with yours.</span>
        </div>
      )}
      <dl className="facts">
        {image.release && (
          <>
            <dt>Release</dt>
            <dd>
              {image.release}
              {image.stream ? ` (${image.stream})` : ''}
            </dd>
          </>
        )}
        <dt>Architecture</dt>
        <dd>{f.arch}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(image.size)}</dd>
        <dt>Volume</dt>
        <dd>{f.volumeId}</dd>
        <dt>Embed area</dt>
        <dd>{formatBytes(f.embedCapacity)} for the config</dd>
        <dt>Kernel arguments</dt>
        <dd className="mono">{f.defaultKargs || '—'}</dd>
        {image.sha256 && (
          <>
            <dt>SHA-256</dt>
            <dd className="sha">{image.sha256}</dd>
          </>
        )}
        <dt>Path</dt>
        <dd className="mono small">{image.path}</dd>
      </dl>
    </div>
  );
}
