import { useState } from 'react';
import { formatBytes } from '../format';
import { useWizard } from '../store';
import { ErrorNotice } from './ErrorNotice';

/**
 * "Save customized ISO…": the other output, for virtual media on a server's management
 * controller. Electron uses the native save dialog; the browser asks for a new file's path.
 */
export function SaveIsoCard() {
  const electron = useWizard((s) => s.shell === 'electron');
  const image = useWizard((s) => s.image);
  const busy = useWizard((s) => s.saveBusy);
  const saved = useWizard((s) => s.saved);
  const error = useWizard((s) => s.saveError);
  const saveIso = useWizard((s) => s.saveIso);
  const [path, setPath] = useState('');
  return (
    <div className="card">
      <h3>Or save a customized ISO</h3>
      <p className="muted small">
        For virtual media on a server's management controller (BMC), or to write it later. Same config and options.
      </p>
      <form
        className="row end"
        onSubmit={(e) => {
          e.preventDefault();
          void saveIso(electron ? undefined : path.trim());
        }}
      >
        {!electron && (
          <label className="field grow">
            Save as (a new file)
            <input
              type="text"
              value={path}
              placeholder="/home/me/fcos-custom.iso"
              spellCheck={false}
              onChange={(e) => setPath(e.currentTarget.value)}
            />
          </label>
        )}
        <button type="submit" className="btn" disabled={!image || busy || (!electron && !path.trim())}>
          {busy ? 'Saving…' : 'Save customized ISO…'}
        </button>
      </form>
      {saved && (
        <div className="notice ok" role="status">
          <strong>Saved {formatBytes(saved.size)}</strong>
          <span className="mono small">{saved.path}</span>
        </div>
      )}
      {error && <ErrorNotice title="The ISO could not be saved" error={error} />}
    </div>
  );
}
