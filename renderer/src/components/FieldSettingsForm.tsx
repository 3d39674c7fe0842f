import { useId } from 'react';
import type { FieldSettingsField, FieldSettingsInput } from '../../../electron/contract/api';
import { useWizard } from '../store';
import { useT } from '../i18n/use-t';

/** Time zone names the browser knows (for the suggestion list; the core checks the value). */
function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (k: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

/**
 * The Config step's short "field settings" form: SSH public key, host name, static IP (address
 * with prefix, gateway, DNS) and time zone. Each field is checked by the core when it loses focus;
 * problems show next to their field, and the settings go into the live config when flashing or
 * saving.
 */
export function FieldSettingsForm() {
  const t = useT();
  const form = useWizard((s) => s.fieldSettings);
  const check = useWizard((s) => s.fieldCheck);
  const setField = useWizard((s) => s.setFieldSetting);
  const runCheck = useWizard((s) => s.checkFieldSettings);
  const base = useId();
  const problem = (f: FieldSettingsField) => check?.problems.find((p) => p.field === f)?.message;
  const errId = (f: FieldSettingsField) => `${base}-${f}-error`;
  const text = (
    key: keyof FieldSettingsInput,
    field: FieldSettingsField,
    label: string,
    hint: string,
    placeholder: string,
    list?: string,
  ) => (
    <label className="field grow">
      {label}
      <span className="hint">{hint}</span>
      <input
        type="text"
        value={form[key]}
        placeholder={placeholder}
        spellCheck={false}
        list={list}
        onChange={(e) => setField(key, e.currentTarget.value)}
        onBlur={() => void runCheck()}
        aria-invalid={problem(field) ? true : undefined}
        aria-describedby={problem(field) ? errId(field) : undefined}
      />
    </label>
  );
  const error = (f: FieldSettingsField) =>
    problem(f) && (
      <p id={errId(f)} className="notice err small" role="alert">
        {problem(f)}
      </p>
    );
  return (
    <fieldset className="card">
      <legend>
        <strong>{t('fields.title')}</strong> <span className="muted small">{t('fields.optional')}</span>
      </legend>
      <label className="field">
        {t('fields.ssh')}
        <span className="hint">{t('fields.sshHint')}</span>
        <textarea
          rows={2}
          value={form.sshKeys}
          placeholder="ssh-ed25519 AAAA... you@laptop"
          spellCheck={false}
          onChange={(e) => setField('sshKeys', e.currentTarget.value)}
          onBlur={() => void runCheck()}
          aria-invalid={problem('sshKeys') ? true : undefined}
          aria-describedby={problem('sshKeys') ? errId('sshKeys') : undefined}
        />
      </label>
      {error('sshKeys')}
      <div className="row">
        {text('hostname', 'hostname', t('fields.hostname'), t('fields.hostnameHint'), 'pump-station-7')}
        {text('timezone', 'timezone', t('fields.timezone'), t('fields.timezoneHint'), 'UTC', `${base}-zones`)}
        <datalist id={`${base}-zones`}>
          {timeZones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      {error('hostname')}
      {error('timezone')}
      <div className="row">
        {text('address', 'staticIp', t('fields.address'), t('fields.addressHint'), '192.168.1.20/24')}
        {text('gateway', 'staticIp', t('fields.gateway'), t('fields.gatewayHint'), '192.168.1.1')}
        {text('dns', 'staticIp', t('fields.dns'), t('fields.dnsHint'), '192.168.1.1, 9.9.9.9')}
      </div>
      {error('staticIp')}
      {check?.ok && check.summary.length > 0 && (
        <div className="notice ok" role="status">
          <strong>{t('fields.applied')}</strong>
          <span className="small">{check.summary.join('; ')}</span>
        </div>
      )}
    </fieldset>
  );
}
