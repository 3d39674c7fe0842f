/**
 * The renderer's message catalogues (i18next + react-i18next): English, German, Spanish and French.
 * The language follows the browser's (Electron: the OS's) preferred languages unless one is picked
 * in the top bar; the pick is kept in localStorage like the theme. Keys are typed from the English
 * catalogue (./types.ts), so a missing key fails the type check; tests/unit/renderer/i18n.test.ts
 * checks the other catalogues and the sources against it.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import type { Catalogue, MessageKey } from './keys';

/** The languages the app speaks, each named in itself (as language pickers do). */
export const LANGUAGES = [
  { id: 'en', name: 'English' },
  { id: 'de', name: 'Deutsch' },
  { id: 'es', name: 'Español' },
  { id: 'fr', name: 'Français' },
] as const;

/** One language the app speaks. */
export type Language = (typeof LANGUAGES)[number]['id'];
/** The language setting: follow the system, or one language. */
export type LanguageChoice = 'system' | Language;

/**
 * Loads a catalogue. English is in the main bundle (it is also every key's fallback); the others
 * are separate chunks (Vite splits dynamic imports), fetched once when first used, so a language
 * adds no bytes to the start of a session in another one.
 */
export async function loadCatalogue(lang: Language): Promise<Catalogue> {
  switch (lang) {
    case 'en':
      return en;
    case 'de':
      return (await import('./de')).de;
    case 'es':
      return (await import('./es')).es;
    case 'fr':
      return (await import('./fr')).fr;
  }
}

const STORAGE_KEY = 'flint-language';

function isLanguage(x: unknown): x is Language {
  return LANGUAGES.some((l) => l.id === x);
}

/**
 * The first of `preferred` (BCP 47 tags, most wanted first: navigator.languages) the app speaks,
 * by primary subtag ("de-AT" → de), else English.
 */
export function matchLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

/** The system's preferred languages (navigator.languages, else navigator.language). */
function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

/** The language a choice stands for. */
export function resolveLanguage(choice: LanguageChoice): Language {
  return choice === 'system' ? matchLanguage(systemLanguages()) : choice;
}

/** The saved language choice ("system" when none or storage is unavailable). */
export function savedLanguageChoice(): LanguageChoice {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLanguage(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

/** Remembers the language choice. */
export function saveLanguageChoice(choice: LanguageChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // storage unavailable: the choice lasts for this page
  }
}

/** Marks a key no catalogue has (tests look for it; a shipped build falls back to English first). */
export const MISSING = '⟦missing⟧';

/** The app's i18next instance (its own, so nothing else on the page shares its state). */
export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: LANGUAGES.map((l) => l.id),
  initAsync: false,
  // React escapes text itself
  interpolation: { escapeValue: false },
  returnEmptyString: false,
  parseMissingKeyHandler: (key) => `${MISSING}${key}`,
  react: { useSuspense: false },
});

/**
 * Switches the language of every mounted component and of <html lang>, loading its catalogue
 * first (until then the page stays in the language it was in).
 */
export async function applyLanguage(lang: Language): Promise<void> {
  if (!i18n.hasResourceBundle(lang, 'translation')) i18n.addResourceBundle(lang, 'translation', await loadCatalogue(lang));
  if (i18n.language !== lang) await i18n.changeLanguage(lang);
  // the module is also loaded by Node-side tests, where there is no document
  const doc = (globalThis as { document?: { documentElement: { lang: string } } }).document;
  if (doc) doc.documentElement.lang = lang;
}

/** The language in use now. */
export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/** Translates outside React (the error wording, formats, the store's names), in the language in use. */
export function tr(key: MessageKey, params?: Record<string, unknown>): string {
  // every catalogue value is a string (tests/unit/renderer/i18n.test.ts), so t() returns one
  return i18n.t(key as never, params as never) as unknown as string;
}
