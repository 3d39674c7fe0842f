/**
 * Message keys typed from the English catalogue: `MessageKey` is every dotted path to a string of
 * ./en.ts, plural forms folded into their base key (i18next picks `_one`/`_other`... from `count`,
 * https://www.i18next.com/translation-function/plurals). A key English lacks is a type error.
 */
import type { en } from './en';

/** The plural categories of Intl.PluralRules (CLDR), as i18next suffixes them. */
export const PLURAL_SUFFIXES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;

type Plural = (typeof PLURAL_SUFFIXES)[number];
type Base<K extends string> = K extends `${infer B}_${Plural}` ? B : K;
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${Base<K>}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every key of the English catalogue. */
export type MessageKey = Leaves<typeof en>;

/** A catalogue's shape: nested groups of strings (what a translation file holds). */
export interface Catalogue {
  [key: string]: string | Catalogue;
}
