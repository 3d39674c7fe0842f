/**
 * systemd's path escaping (`systemd-escape --path`), used to name mount units: `/var/lib/x` →
 * `var-lib-x`, `/` → `-`; bytes outside [A-Za-z0-9:_.] (and a leading `.`) become `\xNN`.
 */
export function systemdEscapePath(path: string): string {
  const trimmed = path
    .split('/')
    .filter((p) => p !== '')
    .join('/');
  if (trimmed === '') return '-';
  let out = '';
  const bytes = new TextEncoder().encode(trimmed);
  bytes.forEach((b, i) => {
    const c = String.fromCharCode(b);
    if (c === '/') out += '-';
    else if ((i > 0 || c !== '.') && /[A-Za-z0-9:_.]/.test(c)) out += c;
    else out += '\\x' + b.toString(16).padStart(2, '0');
  });
  return out;
}
