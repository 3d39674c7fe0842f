import type { FlashEnding } from '../../../electron/contract/api';
import { endingText, endingTitle, errorText } from '../messages';
import { useWizard } from '../store';
import { driveName } from '../store/targets';
import { ErrorNotice } from './ErrorNotice';

/** The badge of an ending: the one word that says whether the stick can be used. */
function badge(ending: FlashEnding): { text: string; tone: 'ok' | 'warn' | 'err' } {
  if (ending === 'verified') return { text: 'Verified', tone: 'ok' };
  if (ending === 'written') return { text: 'Written', tone: 'ok' };
  if (ending === 'failed') return { text: 'Failed', tone: 'err' };
  if (ending === 'not-written') return { text: 'Not written', tone: 'err' };
  return { text: 'Cancelled', tone: 'warn' };
}

/**
 * One line per stick: how it ended (verified, cancelled before writing, first MiB wiped, failed at
 * byte N...), the SHA-256 of the config read back, whether it was really ejected, and warnings.
 */
export function FlashResults() {
  const results = useWizard((s) => s.results);
  const finished = useWizard((s) => s.finished);
  const drives = useWizard((s) => s.flashDrives);
  return (
    <div className="results" aria-label="Results">
      {finished?.cancelled && (
        <div className="notice warn" role="status">
          <strong>Cancelled.</strong>
          <span>Each stick below says what state it was left in.</span>
        </div>
      )}
      {finished?.error && <ErrorNotice title="Flashing failed" error={finished.error} />}
      {results.map((r) => {
        const d = drives.find((x) => x.id === r.driveId);
        const match = r.configSha256 && r.expectedSha256 ? r.configSha256 === r.expectedSha256 : undefined;
        const b = badge(r.ending);
        return (
          <div key={r.driveId} className={`result ${r.ok ? 'ok' : 'failed'}`} data-device={r.device} data-ending={r.ending}>
            <span className={`badge ${b.tone}`}>{b.text}</span>
            <div>
              <strong>{r.device}</strong> {d && <span className="muted">{driveName(d)}</span>}
              <div className="small">{endingTitle(r.ending)}</div>
              {r.ok && r.configSha256 && (
                <div className="sha" title="SHA-256 of the Ignition config read back from the stick">
                  Config read back: sha256 {r.configSha256}
                  {match === true ? ' (matches)' : match === false ? ' (DOES NOT MATCH)' : ''}
                </div>
              )}
              {r.ok && !r.configSha256 && <div className="muted small">Written; no config embedded.</div>}
              <div className={r.ok ? 'muted small' : 'small'} role={r.ok ? undefined : 'alert'}>
                {endingText(r)}
              </div>
              {r.warnings?.map((w, i) => (
                <div key={i} className="small warn-text" data-code={w.code}>
                  {errorText(w)}
                </div>
              ))}
            </div>
            <span className="muted small">{r.ejected ? 'Ejected — safe to remove' : r.ok ? 'Done' : ''}</span>
          </div>
        );
      })}
    </div>
  );
}
