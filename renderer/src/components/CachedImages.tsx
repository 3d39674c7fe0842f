import { formatBytes } from '../format';
import { useWizard } from '../store';
import { olderRelease } from '../store/image';

/**
 * ISOs downloaded before (in the cache), each usable with one click; one whose stream has moved on
 * since says which release is newest now.
 */
export function CachedImages() {
  const cached = useWizard((s) => s.cachedImages);
  const releases = useWizard((s) => s.releases);
  const current = useWizard((s) => s.image?.path);
  const adoptImage = useWizard((s) => s.adoptImage);
  if (cached.length === 0) return null;
  return (
    <div className="card">
      <h3 id="cached-title">Already downloaded</h3>
      <ul className="listing" aria-labelledby="cached-title">
        {cached.map((img) => {
          const latest = releases.find((r) => r.stream === img.stream && r.arch === img.facts.arch)?.release;
          const outdated = img.release && latest && olderRelease(img.release, latest);
          return (
            <li key={img.id} className="row">
              <span className="mono grow small">{img.name}</span>
              {outdated && (
                <span className="badge warn" title={`${img.name} holds ${img.release}`}>
                  {img.stream} has a newer release: {latest}
                </span>
              )}
              <span className="muted small">{formatBytes(img.size)}</span>
              {img.signature === 'verified' ? <span className="badge ok">Verified</span> : <span className="badge warn">Not signed</span>}
              <button
                type="button"
                className="btn"
                disabled={current === img.path}
                onClick={() => adoptImage(img)}
                aria-label={`Use ${img.name}`}
              >
                {current === img.path ? 'In use' : 'Use'}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
