import { countOf, formatDriveSize } from '../format';
import { useWizard } from '../store';
import { flashBlockers } from '../store/flash';
import { selectedDrives } from '../store/targets';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorNotice } from './ErrorNotice';
import { FlashProgressView } from './FlashProgressView';
import { FlashResults } from './FlashResults';
import { SaveIsoCard } from './SaveIsoCard';

/** Step 5: summary, one Flash button, confirmation, progress, cancel, results, save ISO. */
export function FlashStep() {
  const s = useWizard((x) => x);
  const blockers = flashBlockers(s);
  const running = s.flashStatus === 'running' || s.flashStatus === 'starting';
  // while a job runs or shows its results, it is about the drives it started with
  const drives = running || s.flashStatus === 'done' ? s.flashDrives : selectedDrives(s);
  const n = drives.length;
  return (
    <>
      <div className="card" aria-label="Summary">
        <dl className="facts">
          <dt>Config</dt>
          <dd>{s.config ? s.config.name : s.noConfig ? 'None (unconfigured live system)' : 'Not chosen'}</dd>
          <dt>Image</dt>
          <dd>{s.image ? `${s.image.name}${s.image.release ? ` (${s.image.stream} ${s.image.release})` : ''}` : 'Not chosen'}</dd>
          <dt>Options</dt>
          <dd>
            {[
              s.fromRam ? 'run from RAM' : '',
              s.extraKargs.trim() ? `kargs: ${s.extraKargs.trim()}` : '',
              s.networkFiles.length ? countOf(s.networkFiles.length, 'network keyfile') : '',
              s.caFiles.length ? countOf(s.caFiles.length, 'CA certificate') : '',
              s.destDevice ? `install to ${s.destDevice}` : '',
            ]
              .filter(Boolean)
              .join(', ') || 'defaults'}
          </dd>
          <dt>Targets</dt>
          <dd>{n ? drives.map((d) => `${d.device} (${formatDriveSize(d.size)})`).join(', ') : 'None picked'}</dd>
        </dl>
      </div>

      {blockers.length > 0 && !running && s.flashStatus !== 'done' && (
        <div className="notice warn" role="status">
          <strong>Not ready yet</strong>
          <ul>
            {blockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}

      {(s.flashStatus === 'idle' || s.flashStatus === 'confirming') && (
        <div className="card">
          <div className="row">
            <label className="check">
              <input type="checkbox" checked={s.verify} onChange={(e) => s.setVerify(e.currentTarget.checked)} />
              <span>Verify each stick after writing</span>
            </label>
            <label className="check">
              <input type="checkbox" checked={s.eject} onChange={(e) => s.setEject(e.currentTarget.checked)} />
              <span>Eject when done</span>
            </label>
            <span className="grow" />
            <button type="button" className="btn primary big" disabled={blockers.length > 0} onClick={s.requestFlash}>
              {n > 1 ? `Flash ${n} sticks` : 'Flash'}
            </button>
          </div>
        </div>
      )}

      {s.flashError && <ErrorNotice title="Flashing could not start" error={s.flashError} />}

      {(running || s.flashStatus === 'done') && (
        <div className="card">
          <div className="card-title">
            <h3 aria-live="polite">
              {running
                ? `Writing ${n} stick${n > 1 ? 's' : ''}…`
                : s.finished?.ok
                  ? 'All done'
                  : s.finished?.cancelled
                    ? 'Cancelled'
                    : 'Finished with errors'}
            </h3>
            {running && (
              <button type="button" className="btn danger" onClick={() => void s.cancelFlash()} disabled={!s.jobId}>
                Cancel
              </button>
            )}
            {s.flashStatus === 'done' && (
              <button type="button" className="btn" onClick={s.resetFlash}>
                Flash more sticks
              </button>
            )}
          </div>
          <FlashProgressView />
          <FlashResults />
        </div>
      )}

      {!running && <SaveIsoCard />}
      {s.flashStatus === 'confirming' && <ConfirmDialog />}
    </>
  );
}
