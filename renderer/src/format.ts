import { currentLanguage, tr as t } from './i18n';
import type { MessageKey } from './i18n/keys';

/*
 * Numbers, sizes, speeds and times for people, in the language in use: Intl.NumberFormat gives the
 * locale's decimal and grouping separators, the catalogue gives the unit names (French writes
 * "Gio"/"Go", https://fr.wikipedia.org/wiki/Octet#Multiples_normalis%C3%A9s).
 */

const formats = new Map<string, Intl.NumberFormat>();
function fmt(digits: number): Intl.NumberFormat {
  const lang = currentLanguage();
  const id = `${lang}:${digits}`;
  let f = formats.get(id);
  if (!f) {
    f = new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formats.set(id, f);
  }
  return f;
}

/** A whole number with the locale's grouping ("8,388,608", "8.388.608", "8 388 608"). */
export function formatNumber(n: number): string {
  return fmt(0).format(n);
}

const BINARY: MessageKey[] = ['units.B', 'units.KiB', 'units.MiB', 'units.GiB', 'units.TiB'];

/** Formats a byte count for people, in binary units ("1.5 GiB"). */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1024 && i < BINARY.length - 1) {
    v /= 1024;
    i++;
  }
  const n = fmt(i === 0 || v >= 100 ? 0 : 1).format(v);
  return t('units.amount', { n, unit: t(BINARY[i]) });
}

/** Formats a drive size the way vendors print it on the package (decimal GB). */
export function formatDriveSize(bytes: number): string {
  const as = (v: number, digits: number, unit: MessageKey) => t('units.amount', { n: fmt(digits).format(v), unit: t(unit) });
  if (bytes >= 1e12) return as(bytes / 1e12, 1, 'units.TB');
  if (bytes >= 1e9) return as(bytes / 1e9, 1, 'units.GB');
  // small sizes keep a decimal, so "holds 0.5 MB, the image needs 1.0 MB" never reads "1 MB, 1 MB"
  return as(bytes / 1e6, bytes >= 1e8 ? 0 : 1, 'units.MB');
}

/** Formats a speed in bytes per second ("12.3 MiB/s"). */
export function formatSpeed(bps: number | undefined): string {
  return bps === undefined || bps <= 0 ? '—' : t('units.perSecond', { amount: formatBytes(bps) });
}

/** Formats seconds left as "1 min 05 s" / "42 s". */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return t('units.seconds', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('units.minutes', { m, s: String(s % 60).padStart(2, '0') });
  return t('units.hours', { h: Math.floor(m / 60), m: String(m % 60).padStart(2, '0') });
}

/** A percentage ("42%", "42 %" in German and French). */
export function formatPercent(pct: number): string {
  return new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 0 }).format(pct / 100);
}

/** A calendar date in the locale's short form, or the text itself when it is not a date. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** Percentage 0..100 (integer) of done/total, or undefined when total is unknown. */
export function percent(done: number, total: number | undefined): number | undefined {
  if (!total || total <= 0) return undefined;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}
