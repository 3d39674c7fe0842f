import type { Command } from 'commander';
import { formatBytes } from '../../core/drives/format';
import { listDrives } from '../../core/drives/list';
import type { Drive } from '../../core/drives/types';

/** One table row per drive. */
export function formatDrive(d: Drive): string {
  const flags = [
    d.removable ? 'removable' : '',
    d.readOnly ? 'read-only' : '',
    d.loop ? 'loop' : '',
    d.system ? `SYSTEM (${d.systemReasons.join(', ')})` : '',
    d.mountpoints.length && !d.system ? `mounted at ${d.mountpoints.join(', ')}` : '',
  ].filter(Boolean);
  return [d.device.padEnd(14), formatBytes(d.size).padStart(9), d.bus.padEnd(6), d.description, flags.length ? `[${flags.join('; ')}]` : '']
    .filter((x) => x !== '')
    .join('  ');
}

/** Registers `flint drives`. */
export function registerDrives(program: Command): void {
  program
    .command('drives')
    .description('List drives that can be written (removable, not holding the system)')
    .option('--json', 'print the drives as JSON')
    .option('--all', 'also list system and internal disks (they are never writable)')
    .option('--allow-loop', 'also list loop devices')
    .action(async (opts: { json?: boolean; all?: boolean; allowLoop?: boolean }) => {
      const drives = await listDrives({ all: opts.all, allowLoop: opts.allowLoop });
      if (opts.json) {
        process.stdout.write(JSON.stringify(drives, null, 2) + '\n');
        return;
      }
      if (drives.length === 0) {
        process.stdout.write(opts.all ? 'No drives found.\n' : 'No removable drives found (plug in a USB stick, or see --all).\n');
        return;
      }
      for (const d of drives) process.stdout.write(formatDrive(d) + '\n');
    });
}
