import { useTranslation } from 'react-i18next';
import type { MessageKey } from './keys';

/** A translate function typed by the English catalogue's keys. */
export type TFn = (key: MessageKey, params?: Record<string, unknown>) => string;

/** The current language's translate function; the component re-renders when the language changes. */
export function useT(): TFn {
  const { t } = useTranslation();
  return t as unknown as TFn;
}
