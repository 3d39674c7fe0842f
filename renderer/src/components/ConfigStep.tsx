import { useWizard } from '../store';
import { ConfigReportView } from './ConfigReportView';
import { DropZone } from './DropZone';
import { ErrorNotice } from './ErrorNotice';
import { FieldSettingsForm } from './FieldSettingsForm';
import { FleetManifest } from './FleetManifest';
import { hasFieldSettings } from '../store/options';
import { RecentList } from './RecentList';
import { useT } from '../i18n/use-t';

/** Step 1: the Ignition (or Butane) config, its validation, size and a read-only view; the field settings form; a fleet manifest. */
export function ConfigStep() {
  const t = useT();
  const config = useWizard((s) => s.config);
  const busy = useWizard((s) => s.configBusy);
  const error = useWizard((s) => s.configError);
  const noConfig = useWizard((s) => s.noConfig);
  const capacity = useWizard((s) => s.image?.facts.embedCapacity);
  const electron = useWizard((s) => s.shell === 'electron');
  const loadConfigFile = useWizard((s) => s.loadConfigFile);
  const browseConfig = useWizard((s) => s.browseConfig);
  const clearConfig = useWizard((s) => s.clearConfig);
  const setNoConfig = useWizard((s) => s.setNoConfig);
  const fieldsOnly = useWizard((s) => hasFieldSettings(s.fieldSettings));
  // a manifest gives sticks their rows; network boot per machine is `flint pxe export --fleet` (docs/fleets.md)
  const usb = useWizard((s) => s.mode === 'usb');
  return (
    <>
      <DropZone
        label={config ? t('config.replace') : t('config.drop')}
        hint={t('config.dropHint')}
        accept=".ign,.bu,.json,.yaml,.yml"
        busy={busy}
        onFile={(f) => void loadConfigFile(f)}
        onBrowse={electron ? () => void browseConfig() : undefined}
      />
      <RecentList kind="config" />
      {busy && (
        <p role="status" className="muted">
          {t('config.checking')}
        </p>
      )}
      {error && <ErrorNotice title={t('config.loadFailed')} error={error} />}
      {config && (
        <>
          <ConfigReportView file={config} capacity={capacity} />
          <div className="row">
            <button type="button" className="btn" onClick={() => void clearConfig()}>
              {t('config.remove')}
            </button>
          </div>
        </>
      )}
      {!config && (
        <div className="card">
          <label className="check">
            <input type="checkbox" checked={noConfig} onChange={(e) => setNoConfig(e.currentTarget.checked)} />
            <span>
              <strong>{t('config.without')}</strong>
              <span className="muted small">{t('config.withoutHint')}</span>
            </span>
          </label>
          {noConfig && fieldsOnly && (
            <div className="notice info" role="status">
              <strong>{t('config.fieldsOnly')}</strong>
            </div>
          )}
          {noConfig && !fieldsOnly && (
            <div className="notice warn" role="status">
              <strong>{t('config.unconfigured')}</strong>
              <span>{t('config.unconfiguredHint')}</span>
            </div>
          )}
        </div>
      )}
      <FieldSettingsForm />
      {usb && <FleetManifest />}
    </>
  );
}
