import { useWizard } from '../store';
import { ConfigReportView } from './ConfigReportView';
import { DropZone } from './DropZone';
import { ErrorNotice } from './ErrorNotice';
import { FieldSettingsForm } from './FieldSettingsForm';
import { hasFieldSettings } from '../store/options';
import { RecentList } from './RecentList';

/** Step 1: the Ignition (or Butane) config, its validation, size and a read-only view; the field settings form. */
export function ConfigStep() {
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
  return (
    <>
      <DropZone
        label={config ? 'Replace the config' : 'Drop an Ignition or Butane config here'}
        hint="or press to browse for a .ign or .bu file"
        accept=".ign,.bu,.json,.yaml,.yml"
        busy={busy}
        onFile={(f) => void loadConfigFile(f)}
        onBrowse={electron ? () => void browseConfig() : undefined}
      />
      <RecentList kind="config" />
      {busy && (
        <p role="status" className="muted">
          Checking the config…
        </p>
      )}
      {error && <ErrorNotice title="The config could not be loaded" error={error} />}
      {config && (
        <>
          <ConfigReportView file={config} capacity={capacity} />
          <div className="row">
            <button type="button" className="btn" onClick={() => void clearConfig()}>
              Remove config
            </button>
          </div>
        </>
      )}
      {!config && (
        <div className="card">
          <label className="check">
            <input type="checkbox" checked={noConfig} onChange={(e) => setNoConfig(e.currentTarget.checked)} />
            <span>
              <strong>Continue without a config</strong>
              <span className="muted small">Write the live image as it is.</span>
            </span>
          </label>
          {noConfig && fieldsOnly && (
            <div className="notice info" role="status">
              <strong>No config file: only the field settings below are applied.</strong>
            </div>
          )}
          {noConfig && !fieldsOnly && (
            <div className="notice warn" role="status">
              <strong>No config: the stick boots an unconfigured live system.</strong>
              <span>Nobody can log in over SSH and nothing is set up; you would configure it by hand on the console.</span>
            </div>
          )}
        </div>
      )}
      <FieldSettingsForm />
    </>
  );
}
