import type { Command } from 'commander';
import { toErrorValue } from '../../core/errors';
import type { KargChanges } from '../../core/iso/karg-changes';
import type { LiveConfigSummary } from '../../core/iso/live-config-read';
import { readStickContentsAt, type StickContents } from '../../core/iso/stick';

const KIB = 1024;
const LABEL_WIDTH = 18;

/** One line of the report: `Label:` padded to a column, then the value (`sub` indents it). */
const row = (label: string, value: string, sub = false) => `${((sub ? '  ' : '') + label + ':').padEnd(LABEL_WIDTH)}${value}`;

/** 1536 → "1.5 KiB", 17825792 → "17.0 MiB". */
export function humanSize(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= KIB && u < units.length - 1) {
    v /= KIB;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

/** "Fedora CoreOS 38.20230718.3.0 (stable)" and its variants. */
export function releaseLine(c: StickContents): string {
  const r = c.release;
  if (!r.product) return `an unknown CoreOS build (volume id ${r.volumeId})`;
  const stream = r.stream ? ` (${r.stream})` : r.developerBuild ? ' (developer build, no stream)' : '';
  return `${r.productName} ${r.version}${stream}`;
}

function kargLines(k: KargChanges): string[] {
  const out: string[] = [];
  if (k.append.length) out.push(row('appended', k.append.join(' '), true));
  if (k.delete.length) out.push(row('deleted', k.delete.join(' '), true));
  const replaced = k.replace.map((r) => r.replace(/^([^=]+)=([^=]+)=/, '$1: $2 -> '));
  if (replaced.length) out.push(row('replaced', replaced.join(', '), true));
  return out;
}

const digest = (sha256: string | undefined) => (sha256 ? `, sha256 ${sha256}` : '');

function liveConfigLines(lc: LiveConfigSummary): string[] {
  const out = [row('Live config', `config.ign, ${humanSize(lc.size)}${digest(lc.sha256)}`)];
  if (lc.problem) out.push(row('problem', lc.problem, true));
  if (lc.version) out.push(row('Ignition', lc.version, true));
  for (const m of lc.merged) {
    const version = m.version ? `Ignition ${m.version}, ` : '';
    const what = m.kind === 'remote' ? (m.url ?? '') : m.problem ? m.problem : `${version}${humanSize(m.size ?? 0)}${digest(m.sha256)}`;
    out.push(row(m.how === 'merge' ? 'merges' : 'replaced by', what, true));
  }
  for (const ca of lc.certificateAuthorities) {
    const until = ca.notAfter ? `, valid until ${ca.notAfter.slice(0, 10)}` : '';
    const who = ca.subject ? `${ca.subject}${until}` : (ca.url ?? 'inline certificate');
    out.push(row('trusts CA', `${who}${digest(ca.sha256)}`, true));
  }
  for (const f of lc.files) {
    const role = f.role === 'file' ? '' : ` (${f.role})`;
    const size = f.size !== undefined ? `, ${humanSize(f.size)}` : '';
    out.push(row('writes', `${f.path}${role}${size}`, true));
  }
  for (const u of lc.units) out.push(row('unit', `${u.name}${u.enabled ? ' (enabled)' : ''}`, true));
  if (lc.installer) {
    const d = lc.installer.destDevice;
    out.push(row('installer', d ? `installs to ${d} without asking` : 'runs coreos-installer at boot', true));
  }
  return out;
}

/** The text `flint stick show` prints. */
export function stickText(c: StickContents): string {
  const r = c.release;
  const built = r.created ? ` (built ${r.created.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})` : '';
  const drive = c.source.kind === 'device' ? ` on a ${humanSize(c.source.size)} drive` : '';
  const lines = [`${c.source.path}: ${releaseLine(c)}, ${c.arch}`, row('Volume ID', `${r.volumeId}${built}`)];
  if (r.liveIsoKarg !== null && r.liveIsoKarg !== r.volumeId) lines.push(row('coreos.liveiso', r.liveIsoKarg));
  lines.push(row('Image size', `${humanSize(c.imageSize)}${drive}`), row('Customized', c.customized ? 'yes' : 'no (as released)'));
  if (c.liveConfig) lines.push(...liveConfigLines(c.liveConfig));
  else lines.push(row('Live config', 'none'));
  for (const k of c.networkKeyfiles) {
    const what = [k.interfaceName ?? k.id, k.ipv4Method && `ipv4 ${k.ipv4Method}`, ...k.ipv4Addresses].filter(Boolean).join(', ');
    lines.push(row('Network keyfile', `${k.name}${what ? ` (${what})` : ''}${digest(k.sha256)}`));
  }
  if (c.kargs) lines.push(row('Kernel args', c.kargs.current), ...kargLines(c.kargs.changes));
  else lines.push(row('Kernel args', 'not customizable on this image (no karg areas)'));
  const files = c.embedArea.empty ? 'empty' : `${c.customization.members.length} file(s)`;
  lines.push(row('Embed area', `${files}, ${humanSize(c.embedArea.length)} at byte ${c.embedArea.offset}`));
  for (const m of c.customization.members) lines.push(`  ${m.path}  ${m.size} bytes${digest(m.sha256)}`);
  return lines.join('\n') + '\n';
}

/** Registers `flint stick show DEVICE|ISO`. */
export function registerStick(program: Command): void {
  const stick = program.command('stick').description('Look at live USB sticks');
  stick
    .command('show')
    .description('Show the CoreOS release and customization on a live stick (or in a live ISO); only reads')
    .argument('<DEVICE|ISO>', 'a whole-disk device such as /dev/sdb, or an ISO file')
    .option('--json', 'print one JSON document (embed-area members included, base64)')
    .action(async (path: string, opts: { json?: boolean }) => {
      let c: StickContents;
      try {
        c = await readStickContentsAt(path);
      } catch (err) {
        if (opts.json) process.stdout.write(JSON.stringify({ ok: false, error: toErrorValue(err) }, null, 2) + '\n');
        throw err;
      }
      process.stdout.write(opts.json ? JSON.stringify(c, null, 2) + '\n' : stickText(c));
    });
}
