import { formatDriveSize, formatSpeed } from '../format';
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

const short = (sha: string | null) => (sha ? `${sha.slice(0, 12)}…` : 'none');

/** The record of every flash: when, which release and config, each stick and how it ended; exported as CSV or JSON. */
export function HistoryDialog() {
  const history = useWizard((s) => s.history);
  const error = useWizard((s) => s.historyError);
  const close = useWizard((s) => s.openDialog);
  const exportAs = useWizard((s) => s.exportHistory);
  const save = async (format: 'csv' | 'json') => {
    const f = await exportAs(format);
    if (f) download(f.name, f.mime, f.text);
  };
  return (
    <Modal id="history" title="Flash history" wide onClose={() => close(null)}>
      <div className="row">
        <p className="grow muted">Every stick written on this computer, newest first.</p>
        <button type="button" className="btn" disabled={history.length === 0} onClick={() => void save('csv')}>
          Export CSV
        </button>
        <button type="button" className="btn" disabled={history.length === 0} onClick={() => void save('json')}>
          Export JSON
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      {history.length === 0 ? (
        <p>No flashes recorded yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="history">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Release</th>
                <th scope="col">Image SHA-256</th>
                <th scope="col">Config SHA-256</th>
                <th scope="col">Stick</th>
                <th scope="col">Result</th>
                <th scope="col">Speed</th>
              </tr>
            </thead>
            <tbody>
              {history.flatMap((h, i) =>
                h.sticks.map((st, j) => (
                  <tr key={`${i}-${j}`} data-ok={st.ok ? '1' : '0'}>
                    <td>{new Date(h.time).toLocaleString()}</td>
                    <td>{[h.image.release ?? h.image.name, h.image.stream && `(${h.image.stream})`].filter(Boolean).join(' ')}</td>
                    <td title={h.image.sha256 ?? ''}>
                      <code>{short(h.image.sha256)}</code>
                    </td>
                    <td title={st.configSha256 ?? h.configSha256 ?? ''}>
                      <code>{short(st.configSha256 !== undefined ? st.configSha256 : h.configSha256)}</code>
                    </td>
                    <td>
                      {st.device} · {st.model || 'unknown model'} · {st.serial ? `serial ${st.serial}` : 'no serial'} ·{' '}
                      {formatDriveSize(st.size)}
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
