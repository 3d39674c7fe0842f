import { formatBytes } from '../format';
import { useWizard } from '../store';
import { olderRelease } from '../store/image';
import { useT } from '../i18n/use-t';

/**
 * ISOs downloaded before (in the cache), each usable with one click; one whose stream has moved on
 * since says which release is newest now.
 */
export function CachedImages() {
  const t = useT();
  const cached = useWizard((s) => s.cachedImages);
  const releases = useWizard((s) => s.releases);
  const current = useWizard((s) => s.image?.path);
  const adoptImage = useWizard((s) => s.adoptImage);
  if (cached.length === 0) return null;
  return (
    <div className="card">
      <h3 id="cached-title">{t('cached.title')}</h3>
      <ul className="listing" aria-labelledby="cached-title">
        {cached.map((img) => {
          const latest = releases.find((r) => r.stream === img.stream && r.arch === img.facts.arch)?.release;
          const outdated = img.release && latest && olderRelease(img.release, latest);
          return (
            <li key={img.id} className="row">
              <span className="mono grow small">{img.name}</span>
              {outdated && (
                <span className="badge warn" title={t('cached.holds', { name: img.name, release: img.release })}>
                  {t('cached.newer', { stream: img.stream, latest })}
                </span>
              )}
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
          );
        })}
      </ul>
    </div>
  );
}
