import { formatDriveSize } from '../format';
import { useWizard } from '../store';
import { flashBlockers } from '../store/flash';
import { fleetAssignment } from '../store/fleet';
import { selectedDrives } from '../store/targets';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorNotice } from './ErrorNotice';
import { FlashProgressView } from './FlashProgressView';
import { FlashResults } from './FlashResults';
import { SaveIsoCard } from './SaveIsoCard';
import { useT } from '../i18n/use-t';
import { FlashAnnouncer } from './FlashAnnouncer';

/** Step 5: summary, one Flash button, confirmation, progress, cancel, results, save ISO. */
export function FlashStep() {
  const t = useT();
  const s = useWizard((x) => x);
  const blockers = flashBlockers(s);
  const running = s.flashStatus === 'running' || s.flashStatus === 'starting';
  // while a job runs or shows its results, it is about the drives it started with
  const drives = running || s.flashStatus === 'done' ? s.flashDrives : selectedDrives(s);
  const n = drives.length;
  return (
    <>
      <div className="card" aria-label={t('flash.summary')}>
        <dl className="facts">
          <dt>{t('steps.config.label')}</dt>
          <dd>{s.config ? s.config.name : s.noConfig ? t('flash.noConfig') : t('rail.notChosen')}</dd>
          <dt>{t('steps.image.label')}</dt>
          <dd>{s.image ? `${s.image.name}${s.image.release ? ` (${s.image.stream} ${s.image.release})` : ''}` : t('rail.notChosen')}</dd>
          <dt>{t('steps.options.label')}</dt>
          <dd>
            {[
              s.fromRam ? t('flash.fromRam') : '',
              s.extraKargs.trim() ? t('flash.kargs', { kargs: s.extraKargs.trim() }) : '',
              s.networkFiles.length ? t('flash.keyfiles', { count: s.networkFiles.length }) : '',
              s.caFiles.length ? t('flash.certificates', { count: s.caFiles.length }) : '',
              s.destDevice ? t('flash.installTo', { device: s.destDevice }) : '',
            ]
              .filter(Boolean)
              .join(', ') || t('flash.defaults')}
          </dd>
          <dt>{t('flash.targets')}</dt>
          <dd>{n ? drives.map((d) => `${d.device} (${formatDriveSize(d.size)})`).join(', ') : t('rail.nonePicked')}</dd>
          {s.fleet && (
            <>
              <dt>{t('fleet.title')}</dt>
              <dd>
                {t('fleet.flashRows', {
                  name: s.fleet.name,
                  rows: (running || s.flashStatus === 'done' ? Object.values(s.fleetBatch) : fleetAssignment(s).map((p) => p.row))
                    .map((r) => `${r.row} ${r.name}`)
                    .join(', '),
                })}
              </dd>
            </>
          )}
        </dl>
      </div>

      {blockers.length > 0 && !running && s.flashStatus !== 'done' && (
        <div className="notice warn" role="status">
          <strong>{t('flash.notReady')}</strong>
          <ul>
            {blockers.map((b) => (
              <li key={b}>{t(b)}</li>
            ))}
          </ul>
        </div>
      )}

      {(s.flashStatus === 'idle' || s.flashStatus === 'confirming') && (
        <div className="card">
          <div className="row">
            <label className="check">
              <input type="checkbox" checked={s.verify} onChange={(e) => s.setVerify(e.currentTarget.checked)} />
              <span>{t('flash.verify')}</span>
            </label>
            <label className="check">
              <input type="checkbox" checked={s.eject} onChange={(e) => s.setEject(e.currentTarget.checked)} />
              <span>{t('flash.eject')}</span>
            </label>
            <span className="grow" />
            <button type="button" className="btn primary big" disabled={blockers.length > 0} onClick={s.requestFlash}>
              {n > 1 ? t('flash.flashMany', { count: n }) : t('flash.flashOne')}
            </button>
          </div>
        </div>
      )}

      {s.flashError && <ErrorNotice title={t('flash.startFailed')} error={s.flashError} />}

      {(running || s.flashStatus === 'done') && (
        <div className="card">
          <div className="card-title">
            <h3>
              {running
                ? t('flash.writing', { count: n })
                : s.finished?.ok
                  ? t('flash.allDone')
                  : s.finished?.cancelled
                    ? t('flash.cancelled')
                    : t('flash.withErrors')}
            </h3>
            {running && (
              <button type="button" className="btn danger" onClick={() => void s.cancelFlash()} disabled={!s.jobId}>
                {t('flash.cancel')}
              </button>
            )}
            {s.flashStatus === 'done' && (
              <button type="button" className="btn" onClick={s.resetFlash}>
                {t('flash.more')}
              </button>
            )}
          </div>
          <FlashAnnouncer />
          <FlashProgressView />
          <FlashResults />
        </div>
      )}

      {!running && <SaveIsoCard />}
      {s.flashStatus === 'confirming' && <ConfirmDialog />}
    </>
  );
}
