import { formatBytes } from '../format';
import { useWizard } from '../store';
import { ARCHES, STREAMS } from '../store/image';
import { CachedImages } from './CachedImages';
import { ErrorNotice } from './ErrorNotice';
import { ImageFactsView } from './ImageFactsView';
import { LocalIsoPicker } from './LocalIsoPicker';
import { Meter } from './Meter';
import { RecentList } from './RecentList';

const STREAM_NOTE: Record<string, string> = {
  stable: 'The most reliable stream',
  testing: 'The next stable release, for testing',
  next: 'Early look at major changes',
};

function formatDate(iso?: string): string {
  if (!iso) return 'date unknown';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

/** Step 2: a stream release (downloaded, verified, cached) or a local ISO. */
export function ImageStep() {
  const source = useWizard((s) => s.imageSource);
  const setSource = useWizard((s) => s.setImageSource);
  const arch = useWizard((s) => s.arch);
  const setArch = useWizard((s) => s.setArch);
  const stream = useWizard((s) => s.stream);
  const setStream = useWizard((s) => s.setStream);
  const releases = useWizard((s) => s.releases);
  const releasesBusy = useWizard((s) => s.releasesBusy);
  const releasesError = useWizard((s) => s.releasesError);
  const loadReleases = useWizard((s) => s.loadReleases);
  const image = useWizard((s) => s.image);
  const busy = useWizard((s) => s.imageBusy);
  const progress = useWizard((s) => s.downloadProgress);
  const error = useWizard((s) => s.imageError);
  const download = useWizard((s) => s.downloadImage);
  const cancel = useWizard((s) => s.cancelDownload);
  const extraKeys = useWizard((s) => s.settingsView?.settings.keys.length ?? 0);
  const chosen = releases.find((r) => r.stream === stream);
  const isChosenImage = image && image.stream === stream && image.release === chosen?.release && image.facts.arch === arch;
  return (
    <>
      <div className="segmented" role="radiogroup" aria-label="Image source">
        <button type="button" role="radio" aria-checked={source === 'stream'} onClick={() => setSource('stream')}>
          Fedora CoreOS stream
        </button>
        <button type="button" role="radio" aria-checked={source === 'local'} onClick={() => setSource('local')}>
          Local ISO file
        </button>
      </div>
      {source === 'stream' && (
        <div className="card">
          <div className="row">
            <label className="field">
              Architecture
              <select value={arch} onChange={(e) => void setArch(e.currentTarget.value)}>
                {ARCHES.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </label>
            <span className="grow" />
            {releasesBusy && (
              <span role="status" className="muted">
                Fetching releases…
              </span>
            )}
          </div>
          {releasesError && (
            <>
              <ErrorNotice title="The release list could not be fetched" error={releasesError} />
              <div className="row">
                <button type="button" className="btn" onClick={() => void loadReleases()}>
                  Try again
                </button>
              </div>
            </>
          )}
          <fieldset className="choices" aria-label="Stream">
            {STREAMS.map((id) => {
              const rel = releases.find((r) => r.stream === id);
              return (
                <label key={id} className="choice">
                  <input
                    type="radio"
                    name="stream"
                    value={id}
                    checked={stream === id}
                    disabled={!rel}
                    onChange={() => setStream(id)}
                    aria-label={`${id}${rel ? ` ${rel.release}` : ' (unavailable)'}`}
                  />
                  <span className="title">{id}</span>
                  <span>{rel ? rel.release : releasesBusy ? '…' : 'unavailable'}</span>
                  <span className="muted small">
                    {rel ? `${formatDate(rel.date)}${rel.isoSize ? ` · ${formatBytes(rel.isoSize)}` : ''}` : STREAM_NOTE[id]}
                  </span>
                  {rel?.cached && <span className="badge ok">Cached</span>}
                </label>
              );
            })}
          </fieldset>
          <div className="row">
            {!busy && (
              <button type="button" className="btn primary" disabled={!chosen || !!isChosenImage} onClick={() => void download()}>
                {isChosenImage ? 'Ready' : chosen?.cached ? 'Use the cached image' : 'Download and verify'}
              </button>
            )}
            {busy && (
              <button type="button" className="btn danger" onClick={() => void cancel()}>
                Cancel download
              </button>
            )}
            {chosen && (
              <span className="muted small">
                Fedora CoreOS {chosen.release} for {chosen.arch}; the signature is checked with Fedora&apos;s keys
                {extraKeys > 0 ? ` and ${extraKeys === 1 ? 'the extra key' : `the ${extraKeys} extra keys`} in Settings` : ''}.
              </span>
            )}
          </div>
          {busy && (
            <div role="status" aria-live="polite">
              <p>{progress?.phase === 'verify-image' ? 'Verifying the image…' : 'Downloading…'}</p>
              <Meter
                label={progress?.phase === 'verify-image' ? 'Verify image' : 'Download'}
                bytes={progress?.bytes ?? 0}
                total={progress?.total}
                speed={progress?.speed}
                eta={progress?.eta}
                live
              />
            </div>
          )}
        </div>
      )}
      {source === 'local' && (
        <>
          <LocalIsoPicker />
          <RecentList kind="image" />
          <CachedImages />
        </>
      )}
      {error && <ErrorNotice title="The image could not be used" error={error} />}
      {image && <ImageFactsView image={image} />}
    </>
  );
}
