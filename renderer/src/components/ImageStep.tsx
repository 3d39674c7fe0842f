import { formatBytes, formatDate } from '../format';
import type { MessageKey } from '../i18n/keys';
import { useWizard } from '../store';
import { ARCHES, STREAMS } from '../store/image';
import { CachedImages } from './CachedImages';
import { ErrorNotice } from './ErrorNotice';
import { ImageFactsView } from './ImageFactsView';
import { LocalIsoPicker } from './LocalIsoPicker';
import { Meter } from './Meter';
import { RecentList } from './RecentList';
import { useT } from '../i18n/use-t';

const STREAM_NOTE: Record<string, MessageKey> = {
  stable: 'image.note.stable',
  testing: 'image.note.testing',
  next: 'image.note.next',
};

/** Step 2: a stream release (downloaded, verified, cached) or a local ISO. */
export function ImageStep() {
  const t = useT();
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
      <div className="segmented" role="radiogroup" aria-label={t('image.source')}>
        <button type="button" role="radio" aria-checked={source === 'stream'} onClick={() => setSource('stream')}>
          {t('image.stream')}
        </button>
        <button type="button" role="radio" aria-checked={source === 'local'} onClick={() => setSource('local')}>
          {t('image.local')}
        </button>
      </div>
      {source === 'stream' && (
        <div className="card">
          <div className="row">
            <label className="field">
              {t('image.arch')}
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
                {t('image.fetching')}
              </span>
            )}
          </div>
          {releasesError && (
            <>
              <ErrorNotice title={t('image.releasesFailed')} error={releasesError} />
              <div className="row">
                <button type="button" className="btn" onClick={() => void loadReleases()}>
                  {t('common.tryAgain')}
                </button>
              </div>
            </>
          )}
          <fieldset className="choices" aria-label={t('image.streamGroup')}>
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
                    aria-label={rel ? `${id} ${rel.release}` : t('image.unavailableLabel', { stream: id })}
                  />
                  <span className="title">{id}</span>
                  <span>{rel ? rel.release : releasesBusy ? '…' : t('image.unavailable')}</span>
                  <span className="muted small">
                    {rel
                      ? `${rel.date ? formatDate(rel.date) : t('image.dateUnknown')}${rel.isoSize ? ` · ${formatBytes(rel.isoSize)}` : ''}`
                      : STREAM_NOTE[id] && t(STREAM_NOTE[id])}
                  </span>
                  {rel?.cached && <span className="badge ok">{t('image.cached')}</span>}
                </label>
              );
            })}
          </fieldset>
          <div className="row">
            {!busy && (
              <button type="button" className="btn primary" disabled={!chosen || !!isChosenImage} onClick={() => void download()}>
                {isChosenImage ? t('image.ready') : chosen?.cached ? t('image.useCached') : t('image.download')}
              </button>
            )}
            {busy && (
              <button type="button" className="btn danger" onClick={() => void cancel()}>
                {t('image.cancelDownload')}
              </button>
            )}
            {chosen && (
              <span className="muted small">
                {extraKeys > 0
                  ? t('image.signatureNoteExtra', { release: chosen.release, arch: chosen.arch, count: extraKeys })
                  : t('image.signatureNote', { release: chosen.release, arch: chosen.arch })}
              </span>
            )}
          </div>
          {busy && (
            <div role="status" aria-live="polite">
              <p>{progress?.phase === 'verify-image' ? t('image.verifying') : t('image.downloading')}</p>
              <Meter
                label={progress?.phase === 'verify-image' ? t('image.verifyMeter') : t('image.downloadMeter')}
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
      {error && <ErrorNotice title={t('image.failed')} error={error} />}
      {image && <ImageFactsView image={image} />}
    </>
  );
}
