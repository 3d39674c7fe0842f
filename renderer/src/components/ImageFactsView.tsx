import type { ImageState } from '../../../electron/contract/api';
import { formatBytes } from '../format';
import { useT, type TFn } from '../i18n/use-t';
import type { MessageKey } from '../i18n/keys';

const ORIGIN: Record<ImageState['origin'], MessageKey> = {
  download: 'facts.origin.download',
  cache: 'facts.origin.cache',
  local: 'facts.origin.local',
};

/** Names the key that verified the signature: Fedora's bundled key, or an extra key by its user id and fingerprint. */
export function signerText(image: ImageState, t: TFn): string {
  const k = image.signedBy;
  if (!k) return t('facts.signed');
  const who = k.userId ?? t('facts.keyId', { id: k.fingerprint.slice(-16) });
  return k.bundled ? t('facts.signedFedora', { who }) : t('facts.signedExtra', { who });
}

/** The selected image: where it came from, its signature state and its facts. */
export function ImageFactsView(props: { image: ImageState }) {
  const t = useT();
  const { image } = props;
  const f = image.facts;
  return (
    <div className="card" aria-label={t('facts.label')}>
      <div className="card-title">
        <h3>{image.name}</h3>
        <div className="row">
          <span className="badge">{t(ORIGIN[image.origin])}</span>
          {image.signature === 'verified' ? (
            <span
              className="badge ok"
              title={image.signedBy ? t('facts.keyTitle', { fingerprint: image.signedBy.fingerprint }) : undefined}
            >
              {signerText(image, t)}
            </span>
          ) : (
            <span className="badge warn">{t('facts.unsigned')}</span>
          )}
        </div>
      </div>
      {f.customized && (
        <div className="notice warn">
          <strong>{t('facts.customized')}</strong>
          <span>{t('facts.customizedHint')}</span>
        </div>
      )}
      <dl className="facts">
        {image.release && (
          <>
            <dt>{t('facts.release')}</dt>
            <dd>
              {image.release}
              {image.stream ? ` (${image.stream})` : ''}
            </dd>
          </>
        )}
        <dt>{t('facts.arch')}</dt>
        <dd>{f.arch}</dd>
        <dt>{t('facts.size')}</dt>
        <dd>{formatBytes(image.size)}</dd>
        <dt>{t('facts.volume')}</dt>
        <dd>{f.volumeId}</dd>
        <dt>{t('facts.embed')}</dt>
        <dd>{t('facts.embedValue', { size: formatBytes(f.embedCapacity) })}</dd>
        <dt>{t('facts.kargs')}</dt>
        <dd className="mono">{f.defaultKargs || '—'}</dd>
        {image.sha256 && (
          <>
            <dt>SHA-256</dt>
            <dd className="sha">{image.sha256}</dd>
          </>
        )}
        <dt>{t('facts.path')}</dt>
        <dd className="mono small">{image.path}</dd>
      </dl>
    </div>
  );
}
