import type { FlashEnding } from '../../../electron/contract/api';
import { endingText, endingTitle, errorText } from '../messages';
import { useWizard } from '../store';
import { driveName } from '../store/targets';
import { ErrorNotice } from './ErrorNotice';
import { useT } from '../i18n/use-t';
import type { MessageKey } from '../i18n/keys';

/** The badge of an ending: the one word that says whether the stick can be used. */
function badge(ending: FlashEnding): { text: MessageKey; tone: 'ok' | 'warn' | 'err' } {
  if (ending === 'verified') return { text: 'endings.badge.verified', tone: 'ok' };
  if (ending === 'written') return { text: 'endings.badge.written', tone: 'ok' };
  if (ending === 'failed') return { text: 'endings.badge.failed', tone: 'err' };
  if (ending === 'not-written') return { text: 'endings.badge.notWritten', tone: 'err' };
  return { text: 'endings.badge.cancelled', tone: 'warn' };
}

/**
 * One line per stick: how it ended (verified, cancelled before writing, first MiB wiped, failed at
 * byte N...), the SHA-256 of the config read back, whether it was really ejected, and warnings.
 */
export function FlashResults() {
  const t = useT();
  const results = useWizard((s) => s.results);
  const finished = useWizard((s) => s.finished);
  const drives = useWizard((s) => s.flashDrives);
  return (
    <div className="results" aria-label={t('results.label')}>
      {finished?.cancelled && (
        <div className="notice warn" role="status">
          <strong>{t('results.cancelled')}</strong>
          <span>{t('results.cancelledHint')}</span>
        </div>
      )}
      {finished?.error && <ErrorNotice title={t('results.failed')} error={finished.error} />}
      {results.map((r) => {
        const d = drives.find((x) => x.id === r.driveId);
        const match = r.configSha256 && r.expectedSha256 ? r.configSha256 === r.expectedSha256 : undefined;
        const b = badge(r.ending);
        return (
          <div key={r.driveId} className={`result ${r.ok ? 'ok' : 'failed'}`} data-device={r.device} data-ending={r.ending}>
            <span className={`badge ${b.tone}`}>{t(b.text)}</span>
            <div>
              <strong>{r.device}</strong> {d && <span className="muted">{driveName(d)}</span>}
              {r.fleetRow && (
                <div className="small" data-fleet-row={r.fleetRow.row}>
                  {t('fleet.resultRow', { row: r.fleetRow.row, name: r.fleetRow.name, hostname: r.fleetRow.hostname ?? '—' })}
                </div>
              )}
              <div className="small">{endingTitle(r.ending)}</div>
              {r.ok && r.configSha256 && (
                <div className="sha" title={t('results.shaTitle')}>
                  {t(match === true ? 'results.shaMatches' : match === false ? 'results.shaMismatch' : 'results.sha', {
                    sha: r.configSha256,
                  })}
                </div>
              )}
              {r.ok && !r.configSha256 && <div className="muted small">{t('results.noConfig')}</div>}
              <div className={r.ok ? 'muted small' : 'small'} role={r.ok ? undefined : 'alert'}>
                {endingText(r)}
              </div>
              {r.warnings?.map((w, i) => (
                <div key={i} className="small warn-text" data-code={w.code}>
                  {errorText(w)}
                </div>
              ))}
            </div>
            <span className="muted small">{r.ejected ? t('results.ejected') : r.ok ? t('results.done') : ''}</span>
          </div>
        );
      })}
    </div>
  );
}
