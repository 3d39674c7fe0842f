import { useWizard } from '../store';
import { driveName } from '../store/targets';
import { ErrorNotice } from './ErrorNotice';

/** One line per stick: ok or failed, and the SHA-256 of the config read back from it. */
export function FlashResults() {
  const results = useWizard((s) => s.results);
  const finished = useWizard((s) => s.finished);
  const drives = useWizard((s) => s.flashDrives);
  return (
    <div className="results" aria-label="Results">
      {finished?.cancelled && (
        <div className="notice warn" role="status">
          <strong>Cancelled.</strong>
          <span>The sticks that were not finished are not bootable; write them again.</span>
        </div>
      )}
      {finished?.error && <ErrorNotice title="Flashing failed" error={finished.error} />}
      {results.map((r) => {
        const d = drives.find((x) => x.id === r.driveId);
        const match = r.configSha256 && r.expectedSha256 ? r.configSha256 === r.expectedSha256 : undefined;
        return (
          <div key={r.driveId} className={`result ${r.ok ? 'ok' : 'failed'}`} data-device={r.device}>
            <span className={`badge ${r.ok ? 'ok' : 'err'}`}>{r.ok ? 'Verified' : 'Failed'}</span>
            <div>
              <strong>{r.device}</strong> {d && <span className="muted">{driveName(d)}</span>}
              {r.ok && r.configSha256 && (
                <div className="sha" title="SHA-256 of the Ignition config read back from the stick">
                  Config read back: sha256 {r.configSha256}
                  {match === true ? ' (matches)' : match === false ? ' (DOES NOT MATCH)' : ''}
                </div>
              )}
              {r.ok && !r.configSha256 && <div className="muted small">Written; no config embedded.</div>}
              {r.error && (
                <div className="small" role="alert">
                  {r.error.message}
                  {r.error.causes?.length ? `: ${r.error.causes.join(': ')}` : ''}
                </div>
              )}
            </div>
            <span className="muted small">{r.ejected ? 'Ejected — safe to remove' : r.ok ? 'Done' : ''}</span>
          </div>
        );
      })}
    </div>
  );
}
