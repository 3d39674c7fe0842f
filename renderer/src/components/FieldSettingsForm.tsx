import { useId } from 'react';
import type { FieldSettingsApplied, FieldSettingsField, FieldSettingsInput, FieldSettingsProblem } from '../../../electron/contract/api';
import { useWizard } from '../store';
import { useT, type TFn } from '../i18n/use-t';
import { errorText } from '../messages';

/** Time zone names the browser knows (for the suggestion list; the core checks the value). */
function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (k: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

/** A problem of one field in the app's words (the core's message only for codes it does not know). */
function problemText(p: FieldSettingsProblem, t: TFn): string {
  if (p.code === 'FEATURE_MISSING') return t('fields.noNetworkFeature');
  return errorText(p);
}

/** What a valid form will apply, in the app's words. */
function appliedText(a: FieldSettingsApplied, t: TFn): string[] {
  const out: string[] = [];
  if (a.sshKeys) out.push(t('fields.appliedSsh', { count: a.sshKeys }));
  if (a.hostname) out.push(t('fields.appliedHostname', { hostname: a.hostname }));
  if (a.staticIp) {
    const { address, gateway, dns } = a.staticIp;
    out.push(
      dns.length
        ? t('fields.appliedStaticIpDns', { address, gateway, dns: dns.join(', ') })
        : t('fields.appliedStaticIp', { address, gateway }),
    );
  }
  if (a.timezone) out.push(t('fields.appliedTimezone', { timezone: a.timezone }));
  return out;
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
  const problem = (f: FieldSettingsField) => {
    const p = check?.problems.find((x) => x.field === f);
    return p && problemText(p, t);
  };
  const applied = check?.ok ? appliedText(check.applied ?? {}, t) : [];
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
      {applied.length > 0 && (
        <div className="notice ok" role="status">
          <strong>{t('fields.applied')}</strong>
          <span className="small">{applied.join('; ')}</span>
        </div>
      )}
    </fieldset>
  );
}
