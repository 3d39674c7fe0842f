import { LANGUAGES, type LanguageChoice } from '../i18n';
import type { MessageKey } from '../i18n/keys';
import { useT } from '../i18n/use-t';
import { useWizard } from '../store';
import type { Theme } from '../store/ui';
import { HistoryDialog } from './HistoryDialog';
import { SettingsDialog } from './SettingsDialog';
import { StickInspector } from './StickInspector';

const NEXT_THEME: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const THEME_LABEL: Record<Theme, MessageKey> = { system: 'topbar.theme.system', light: 'topbar.theme.light', dark: 'topbar.theme.dark' };

/** The top bar: brand, the mode switch (USB stick or network boot), the language, the site tools (stick inspector, history, settings) and the theme. */
export function TopBar() {
  const t = useT();
  const mode = useWizard((s) => s.mode);
  const setMode = useWizard((s) => s.setMode);
  const theme = useWizard((s) => s.theme);
  const setTheme = useWizard((s) => s.setTheme);
  const language = useWizard((s) => s.language);
  const setLanguage = useWizard((s) => s.setLanguage);
  const version = useWizard((s) => s.appInfo?.version);
  const dialog = useWizard((s) => s.dialog);
  const openDialog = useWizard((s) => s.openDialog);
  const themeName = t(THEME_LABEL[theme]);
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ▲
        </span>
        <h1 className="brand-name">Flint</h1>
        {version && <span className="badge">v{version}</span>}
      </div>
      <div className="spacer" />
      <div className="segmented" role="radiogroup" aria-label={t('topbar.whatToMake')}>
        <button type="button" role="radio" aria-checked={mode === 'usb'} onClick={() => setMode('usb')}>
          {t('topbar.usb')}
        </button>
        <button
          type="button"
          role="radio"
          aria-checked={mode === 'network'}
          onClick={() => setMode('network')}
          title={t('topbar.networkHint')}
        >
          {t('topbar.network')}
        </button>
      </div>
      <select
        className="language"
        value={language}
        aria-label={t('topbar.language')}
        title={t('topbar.language')}
        onChange={(e) => setLanguage(e.currentTarget.value as LanguageChoice)}
      >
        <option value="system">{t('topbar.languageSystem')}</option>
        {LANGUAGES.map((l) => (
          <option key={l.id} value={l.id} lang={l.id}>
            {l.name}
          </option>
        ))}
      </select>
      <button type="button" className="btn" onClick={() => openDialog('inspect')} title={t('topbar.inspectHint')}>
        {t('topbar.inspect')}
      </button>
      <button type="button" className="btn" onClick={() => openDialog('history')} title={t('topbar.historyHint')}>
        {t('topbar.history')}
      </button>
      <button type="button" className="btn" onClick={() => openDialog('settings')} title={t('topbar.settingsHint')}>
        {t('topbar.settings')}
      </button>
      <button
        type="button"
        className="btn"
        onClick={() => setTheme(NEXT_THEME[theme])}
        aria-label={t('topbar.themeSwitch', { theme: themeName })}
        title={t('topbar.themeHint')}
      >
        {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'} {themeName}
      </button>
      {dialog === 'settings' && <SettingsDialog />}
      {dialog === 'history' && <HistoryDialog />}
      {dialog === 'inspect' && <StickInspector />}
    </header>
  );
}
