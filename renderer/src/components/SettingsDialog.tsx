import { useEffect, useState, type ReactNode } from 'react';
import type { Settings } from '../../../electron/contract/api';
import { useT } from '../i18n/use-t';
import { useWizard } from '../store';
import { ErrorNotice } from './ErrorNotice';
import { Modal } from './Modal';

/** The settings: mirror, extra signing keys, cache folder, proxy, eject when done, and (advanced) loop devices. */
export function SettingsDialog() {
  const t = useT();
  const view = useWizard((s) => s.settingsView);
  const busy = useWizard((s) => s.settingsBusy);
  const error = useWizard((s) => s.settingsError);
  const save = useWizard((s) => s.saveSettings);
  const close = useWizard((s) => s.openDialog);
  const [draft, setDraft] = useState<Settings | null>(view?.settings ?? null);
  useEffect(() => {
    if (view && !draft) setDraft(view.settings);
  }, [view, draft]);
  const fixed = new Set(view?.fixed ?? []);
  const field = error?.params?.field;
  const edit = (patch: Partial<Settings>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const addKeys = async (files: FileList | null) => {
    for (const f of [...(files ?? [])]) {
      const armored = await f.text();
      edit({ keys: [...(draft?.keys ?? []), { name: f.name, armored }] });
    }
  };
  const fixedNote = (k: keyof Settings) => (fixed.has(k) ? <span className="muted small"> {t('settings.fixed')}</span> : null);
  return (
    <Modal id="settings" title={t('settings.title')} onClose={() => close(null)}>
      {!draft || !view ? (
        <p className="muted">{t('settings.loading')}</p>
      ) : (
        <form
          className="settings"
          onSubmit={(e) => {
            e.preventDefault();
            void save(draft);
          }}
        >
          <TextSetting
            name="baseUrl"
            type="url"
            label={t('settings.mirror')}
            hint={t('settings.mirrorHint')}
            value={draft.baseUrl}
            placeholder={view.defaults.baseUrl}
            fixedNote={fixedNote('baseUrl')}
            fixed={fixed.has('baseUrl')}
            invalid={field === 'baseUrl'}
            onChange={(baseUrl) => edit({ baseUrl })}
          />
          <fieldset className="field">
            <legend>
              {t('settings.keys')}
              {fixedNote('keys')}
            </legend>
            <small className="muted">{t('settings.keysHint')}</small>
            <ul className="plain" aria-label={t('settings.keysList')}>
              {draft.keys.map((k, i) => (
                <li key={`${k.name}-${i}`} className="row">
                  <span className="grow">{k.name}</span>
                  {!fixed.has('keys') && (
                    <button type="button" className="linkish" onClick={() => edit({ keys: draft.keys.filter((_, j) => j !== i) })}>
                      {t('settings.removeKey', { name: k.name })}
                    </button>
                  )}
                </li>
              ))}
            </ul>
            {!fixed.has('keys') && (
              <label className="btn">
                {t('settings.addKey')}
                <input
                  type="file"
                  name="keyFile"
                  accept=".asc,.gpg,.pub,.txt"
                  className="visually-hidden"
                  onChange={(e) => void addKeys(e.currentTarget.files)}
                />
              </label>
            )}
          </fieldset>
          <TextSetting
            name="cacheDir"
            type="text"
            label={t('settings.cacheDir')}
            value={draft.cacheDir}
            placeholder={view.defaults.cacheDir}
            fixedNote={fixedNote('cacheDir')}
            fixed={fixed.has('cacheDir')}
            invalid={field === 'cacheDir'}
            onChange={(cacheDir) => edit({ cacheDir })}
          />
          <fieldset className="field" disabled={fixed.has('proxyMode')}>
            <legend>
              {t('settings.proxy')}
              {fixedNote('proxyMode')}
            </legend>
            <label className="choice">
              <input
                type="radio"
                name="proxyMode"
                checked={draft.proxyMode === 'environment'}
                onChange={() => edit({ proxyMode: 'environment' })}
              />
              <span>
                {t('settings.proxyEnvironment')}{' '}
                {view.defaults.environmentProxy ? <code>{view.defaults.environmentProxy}</code> : t('settings.proxyNoneSet')}
              </span>
            </label>
            <label className="choice">
              <input type="radio" name="proxyMode" checked={draft.proxyMode === 'none'} onChange={() => edit({ proxyMode: 'none' })} />
              <span>{t('settings.proxyNone')}</span>
            </label>
            <label className="choice">
              <input type="radio" name="proxyMode" checked={draft.proxyMode === 'url'} onChange={() => edit({ proxyMode: 'url' })} />
              <span>{t('settings.proxyUrl')}</span>
              <input
                type="text"
                name="proxyUrl"
                value={draft.proxyUrl}
                placeholder="http://proxy:3128"
                aria-label={t('settings.proxyAddress')}
                aria-invalid={field === 'proxyUrl' || undefined}
                onChange={(e) => edit({ proxyUrl: e.currentTarget.value, proxyMode: 'url' })}
              />
            </label>
          </fieldset>
          <label className="check">
            <input
              type="checkbox"
              name="ejectWhenDone"
              checked={draft.ejectWhenDone}
              onChange={(e) => edit({ ejectWhenDone: e.currentTarget.checked })}
            />
            <span>{t('settings.eject')}</span>
          </label>
          <details>
            <summary>{t('settings.advanced')}</summary>
            <label className="check">
              <input
                type="checkbox"
                name="allowLoop"
                checked={draft.allowLoop}
                disabled={fixed.has('allowLoop')}
                onChange={(e) => edit({ allowLoop: e.currentTarget.checked })}
              />
              <span>
                {t('settings.allowLoop')}
                {fixedNote('allowLoop')}
              </span>
            </label>
          </details>
          {error && <ErrorNotice title={t('settings.notSaved')} error={error} />}
          <p className="muted small">{t('settings.languageNote')}</p>
          <p className="muted small">{view.file ? t('settings.savedIn', { file: view.file }) : t('settings.runOnly')}</p>
          <div className="actions">
            <button type="button" className="btn" onClick={() => close(null)}>
              {t('settings.cancel')}
            </button>
            <button type="submit" className="btn primary" disabled={busy}>
              {t('settings.save')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

/** One text setting: its label (with the "fixed on the command line" note), the input and an optional hint. */
function TextSetting(props: {
  name: 'baseUrl' | 'cacheDir';
  type: 'url' | 'text';
  label: string;
  hint?: string;
  value: string;
  placeholder: string;
  fixedNote: ReactNode;
  fixed: boolean;
  invalid: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <label className="field">
      <span>
        {props.label}
        {props.fixedNote}
      </span>
      <input
        type={props.type}
        name={props.name}
        value={props.value}
        placeholder={props.placeholder}
        disabled={props.fixed}
        aria-invalid={props.invalid || undefined}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
      {props.hint && <small className="muted">{props.hint}</small>}
    </label>
  );
}
