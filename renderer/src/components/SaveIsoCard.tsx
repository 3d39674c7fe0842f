import { useState } from 'react';
import { formatBytes } from '../format';
import { useWizard } from '../store';
import { fleetRows } from '../store/fleet';
import { ErrorNotice } from './ErrorNotice';
import { useT } from '../i18n/use-t';

/**
 * "Save customized ISO…": the other output, for virtual media on a server's management
 * controller. Electron uses the native save dialog; the browser asks for a new file's path. With
 * a fleet manifest loaded, the ISO is for one machine (its row's settings on top of the common
 * ones, as its stick gets them), the starting row unless another is chosen, or for none.
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
  const fleet = useWizard((s) => s.fleet);
  const rows = useWizard((s) => fleetRows(s));
  const start = useWizard((s) => s.fleetStart);
  // undefined: follow the starting row; 0: no machine (the common settings only)
  const [picked, setPicked] = useState<number | undefined>(undefined);
  const row = fleet ? (picked ?? start) : 0;
  return (
    <div className="card">
      <h3>{t('save.title')}</h3>
      <p className="muted small">{t('save.hint')}</p>
      <form
        className="row end"
        onSubmit={(e) => {
          e.preventDefault();
          void saveIso(electron ? undefined : path.trim(), row || undefined);
        }}
      >
        {fleet && (
          <label className="field">
            {t('save.machine')}
            <select name="saveMachine" value={row} onChange={(e) => setPicked(Number(e.currentTarget.value))}>
              <option value={0}>{t('save.noMachine')}</option>
              {rows.map((r) => (
                <option key={r.row} value={r.row}>
                  {t('fleet.rowOption', { row: r.row, name: r.name })}
                </option>
              ))}
            </select>
          </label>
        )}
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
          <strong>
            {saved.machine
              ? t('save.savedMachine', { size: formatBytes(saved.size), name: saved.machine })
              : t('save.saved', { size: formatBytes(saved.size) })}
          </strong>
          <span className="mono small">{saved.path}</span>
        </div>
      )}
      {error && <ErrorNotice title={t('save.failed')} error={error} />}
    </div>
  );
}
