import { formatDriveSize, formatSpeed } from '../format';
import { currentLanguage } from '../i18n';
import { useT } from '../i18n/use-t';
import { endingTitle } from '../messages';
import { useWizard } from '../store';
import { ErrorNotice } from './ErrorNotice';
import { Modal } from './Modal';

/** Saves text as a file through the browser's download (the desktop app's window does the same). */
function download(name: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The record of every flash: when, which release and config, each stick and how it ended; exported as CSV or JSON. */
export function HistoryDialog() {
  const t = useT();
  const short = (sha: string | null) => (sha ? `${sha.slice(0, 12)}…` : t('history.none'));
  const history = useWizard((s) => s.history);
  const error = useWizard((s) => s.historyError);
  const close = useWizard((s) => s.openDialog);
  const exportAs = useWizard((s) => s.exportHistory);
  const save = async (format: 'csv' | 'json') => {
    const f = await exportAs(format);
    if (f) download(f.name, f.mime, f.text);
  };
  return (
    <Modal id="history" title={t('history.title')} wide onClose={() => close(null)}>
      <div className="row">
        <p className="grow muted">{t('history.intro')}</p>
        <button type="button" className="btn" disabled={history.length === 0} onClick={() => void save('csv')}>
          {t('history.exportCsv')}
        </button>
        <button type="button" className="btn" disabled={history.length === 0} onClick={() => void save('json')}>
          {t('history.exportJson')}
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      {history.length === 0 ? (
        <p>{t('history.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="history">
            <thead>
              <tr>
                <th scope="col">{t('history.time')}</th>
                <th scope="col">{t('history.release')}</th>
                <th scope="col">{t('history.imageSha')}</th>
                <th scope="col">{t('history.configSha')}</th>
                <th scope="col">{t('history.stick')}</th>
                <th scope="col">{t('history.result')}</th>
                <th scope="col">{t('history.speed')}</th>
              </tr>
            </thead>
            <tbody>
              {history.flatMap((h, i) =>
                h.sticks.map((st, j) => (
                  <tr key={`${i}-${j}`} data-ok={st.ok ? '1' : '0'}>
                    <td>{new Date(h.time).toLocaleString(currentLanguage())}</td>
                    <td>{[h.image.release ?? h.image.name, h.image.stream && `(${h.image.stream})`].filter(Boolean).join(' ')}</td>
                    <td title={h.image.sha256 ?? ''}>
                      <code>{short(h.image.sha256)}</code>
                    </td>
                    <td title={st.configSha256 ?? h.configSha256 ?? ''}>
                      <code>{short(st.configSha256 !== undefined ? st.configSha256 : h.configSha256)}</code>
                    </td>
                    <td>
                      {st.device} · {st.model || t('history.unknownModel')} ·{' '}
                      {st.serial ? t('history.serial', { serial: st.serial }) : t('history.noSerial')} · {formatDriveSize(st.size)}
                      {st.fleetRow && (
                        <div className="small">{t('fleet.progressRow', { row: st.fleetRow.row, name: st.fleetRow.name })}</div>
                      )}
                    </td>
                    <td>{endingTitle(st.ending)}</td>
                    <td>{h.averageSpeed ? formatSpeed(h.averageSpeed) : '—'}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
    </Modal>
  );
}
