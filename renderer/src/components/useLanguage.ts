import { useEffect } from 'react';
import { applyLanguage, resolveLanguage, saveLanguageChoice } from '../i18n';
import { useWizard } from '../store';

/**
 * Applies the language choice: "system" follows navigator.languages (and its changes, the
 * `languagechange` event); a picked language is remembered in localStorage, like the theme.
 */
export function useLanguage(): void {
  const choice = useWizard((s) => s.language);
  useEffect(() => {
    saveLanguageChoice(choice);
    void applyLanguage(resolveLanguage(choice));
    if (choice !== 'system') return;
    const follow = () => void applyLanguage(resolveLanguage('system'));
    window.addEventListener('languagechange', follow);
    return () => window.removeEventListener('languagechange', follow);
  }, [choice]);
}
