import { useState } from 'react';
import { formatBytes } from '../format';
import { useWizard } from '../store';
import { ErrorNotice } from './ErrorNotice';
import { useT } from '../i18n/use-t';

/**
 * "Save customized ISO…": the other output, for virtual media on a server's management
 * controller. Electron uses the native save dialog; the browser asks for a new file's path.
 */
export function SaveIsoCard() {
  const t = useT();
  const electron = useWizard((s) => s.shell === 'electron');
  const image = useWizard((s) => s.image);
  const busy = useWizard((s) => s.saveBusy);
  const saved = useWizard((s) => s.saved);
  const error = useWizard((s) => s.saveError);
  const saveIso = useWizard((s) => s.saveIso);
  const [path, setPath] = useState('');
  return (
    <div className="card">
      <h3>{t('save.title')}</h3>
      <p className="muted small">{t('save.hint')}</p>
      <form
        className="row end"
        onSubmit={(e) => {
          e.preventDefault();
          void saveIso(electron ? undefined : path.trim());
        }}
      >
        {!electron && (
          <label className="field grow">
            {t('save.as')}
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
          {busy ? t('save.saving') : t('save.button')}
        </button>
      </form>
      {saved && (
        <div className="notice ok" role="status">
          <strong>{t('save.saved', { size: formatBytes(saved.size) })}</strong>
          <span className="mono small">{saved.path}</span>
        </div>
      )}
      {error && <ErrorNotice title={t('save.failed')} error={error} />}
    </div>
  );
}
