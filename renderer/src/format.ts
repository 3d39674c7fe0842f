/** Formats a byte count for people, in binary units ("1.5 GiB"). */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** Formats a drive size the way vendors print it on the package (decimal GB). */
export function formatDriveSize(bytes: number): string {
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(1)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  // small sizes keep a decimal, so "holds 0.5 MB, the image needs 1.0 MB" never reads "1 MB, 1 MB"
  return `${(bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1)} MB`;
}

/** Formats a speed in bytes per second ("12.3 MiB/s"). */
export function formatSpeed(bps: number | undefined): string {
  return bps === undefined || bps <= 0 ? '—' : `${formatBytes(bps)}/s`;
}

/** Formats seconds left as "1 min 05 s" / "42 s". */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Percentage 0..100 (integer) of done/total, or undefined when total is unknown. */
export function percent(done: number, total: number | undefined): number | undefined {
  if (!total || total <= 0) return undefined;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}

/** "1 drive", "2 drives", "no drives": a count with its noun in the right number. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return n === 0 ? `no ${many}` : `${n} ${n === 1 ? one : many}`;
}
