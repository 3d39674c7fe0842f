import { useWizard } from '../store';
import type { Theme } from '../store/ui';
import { HistoryDialog } from './HistoryDialog';
import { SettingsDialog } from './SettingsDialog';
import { StickInspector } from './StickInspector';

const NEXT_THEME: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const THEME_LABEL: Record<Theme, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

/** The top bar: brand, the mode switch (USB stick or network boot), the site tools (stick inspector, history, settings) and the theme toggle. */
export function TopBar() {
  const mode = useWizard((s) => s.mode);
  const setMode = useWizard((s) => s.setMode);
  const theme = useWizard((s) => s.theme);
  const setTheme = useWizard((s) => s.setTheme);
  const version = useWizard((s) => s.appInfo?.version);
  const dialog = useWizard((s) => s.dialog);
  const openDialog = useWizard((s) => s.openDialog);
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
      <div className="segmented" role="radiogroup" aria-label="What to make">
        <button type="button" role="radio" aria-checked={mode === 'usb'} onClick={() => setMode('usb')}>
          USB stick
        </button>
        <button
          type="button"
          role="radio"
          aria-checked={mode === 'network'}
          onClick={() => setMode('network')}
          title="PXELINUX or iPXE boot files, and a boot mirror"
        >
          Network boot
        </button>
      </div>
      <button
        type="button"
        className="btn"
        onClick={() => openDialog('inspect')}
        title="Read a stick's release, config and kernel arguments"
      >
        Inspect a stick
      </button>
      <button
        type="button"
        className="btn"
        onClick={() => openDialog('history')}
        title="Every stick written here, exportable as CSV or JSON"
      >
        History
      </button>
      <button type="button" className="btn" onClick={() => openDialog('settings')} title="Mirror, signing keys, cache, proxy, eject">
        Settings
      </button>
      <button
        type="button"
        className="btn"
        onClick={() => setTheme(NEXT_THEME[theme])}
        aria-label={`${THEME_LABEL[theme]}. Switch theme`}
        title="Switch between system, light and dark theme"
      >
        {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'} {THEME_LABEL[theme].replace('Theme: ', '')}
      </button>
      {dialog === 'settings' && <SettingsDialog />}
      {dialog === 'history' && <HistoryDialog />}
      {dialog === 'inspect' && <StickInspector />}
    </header>
  );
}
