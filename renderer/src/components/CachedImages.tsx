import { formatBytes } from '../format';
import { useWizard } from '../store';
import { useT } from '../i18n/use-t';

/** ISOs downloaded before (in the cache), each usable with one click. */
export function CachedImages() {
  const t = useT();
  const cached = useWizard((s) => s.cachedImages);
  const current = useWizard((s) => s.image?.path);
  const adoptImage = useWizard((s) => s.adoptImage);
  if (cached.length === 0) return null;
  return (
    <div className="card">
      <h3 id="cached-title">{t('cached.title')}</h3>
      <ul className="listing" aria-labelledby="cached-title">
        {cached.map((img) => (
          <li key={img.id} className="row">
            <span className="mono grow small">{img.name}</span>
            <span className="muted small">{formatBytes(img.size)}</span>
            {img.signature === 'verified' ? (
              <span className="badge ok">{t('cached.verified')}</span>
            ) : (
              <span className="badge warn">{t('cached.unsigned')}</span>
            )}
            <button type="button" className="btn" disabled={current === img.path} onClick={() => adoptImage(img)}>
              {/* the visible word starts the name (WCAG 2.5.3); the file name tells the rows apart */}
              {current === img.path ? t('cached.inUse') : t('cached.use')}
              <span className="visually-hidden"> {img.name}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
