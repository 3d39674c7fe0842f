import { useEffect } from 'react';
import { useWizard, useWizardStore } from '../store';
import type { Theme } from '../store/ui';

const KEY = 'flint-theme';

/**
 * Applies the theme: "system" follows prefers-color-scheme (pure CSS); light/dark set
 * data-theme on <html>. The choice is remembered in localStorage.
 */
export function useTheme(): void {
  const store = useWizardStore();
  const theme = useWizard((s) => s.theme);
  useEffect(() => {
    try {
      const saved = localStorage.getItem(KEY) as Theme | null;
      if (saved === 'light' || saved === 'dark') store.getState().setTheme(saved);
    } catch {
      // storage unavailable: keep the default
    }
  }, [store]);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
    try {
      localStorage.setItem(KEY, theme);
    } catch {
      // ignore
    }
  }, [theme]);
}
