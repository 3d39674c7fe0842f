import type { Command } from 'commander';
import { FlintError } from '../../core/errors';
import { refreshMirror } from '../../core/pxe/mirror';
import { startBootServer } from '../../core/pxe/server';
import { readKeyringFiles } from './stream';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface ServeOpts {
  dir: string;
  bind: string;
  port: string;
  refresh?: boolean;
  refreshInterval: string;
  keyring?: string[];
  cacheDir?: string;
}

/**
 * Runs the mirror until SIGINT/SIGTERM. With `--refresh`, checks the stream right after start and
 * every `--refresh-interval` hours, in the background; a failed refresh is logged and the old
 * release keeps being served.
 */
async function serve(o: ServeOpts): Promise<void> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FlintError('SERVE_BAD_PORT', `invalid port '${o.port}'`);
  const hours = Number(o.refreshInterval);
  if (!(hours > 0))
    throw new FlintError('SERVE_BAD_INTERVAL', `invalid refresh interval '${o.refreshInterval}'`, ['give hours, e.g. 6 or 0.5']);
  const keyrings = await readKeyringFiles(o.keyring);
  const log = (line: string) => process.stdout.write(line + '\n');
  const ac = new AbortController();
  let busy: Promise<void> = Promise.resolve();
  const refresh = () => {
    busy = busy.then(async () => {
      try {
        const r = await refreshMirror(o.dir, { keyrings, cacheDir: o.cacheDir, signal: ac.signal });
        log(
          r.changed
            ? `refresh: ${r.from} -> ${r.to}; scripts rewritten; removed ${r.removed.join(', ') || 'nothing'}`
            : `refresh: ${r.to} is current`,
        );
      } catch (err) {
        const e = err as FlintError;
        log(`refresh failed: ${[e.message, ...(e.causes ?? [])].join(': ')}`);
      }
    });
    return busy;
  };
  const server = await startBootServer({ dir: o.dir, bind: o.bind, port, log });
  process.stderr.write(`serving ${o.dir} read-only at ${server.url} (Ctrl-C to stop)\n`);
  // the current release is served while a newer one downloads; scripts switch when it is verified
  if (o.refresh) void refresh();
  const timer = o.refresh ? setInterval(() => void refresh(), hours * 3600_000) : undefined;
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (timer) clearInterval(timer);
  ac.abort();
  await busy;
  await server.close();
}

/** Registers `flint serve --dir D --bind ADDR --port P [--refresh]` (called from registerPxe). */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve a boot mirror folder read-only over HTTP (Range, HEAD), optionally keeping it on the newest release')
    .option('--dir <dir>', 'folder to serve (made by flint pxe download)', '.')
    .option('--bind <addr>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port', '8080')
    .option('--refresh', 'pull a newer release when the stream has moved (at start, then every --refresh-interval) and rewrite the scripts')
    .option('--refresh-interval <hours>', 'hours between refresh checks', '24')
    .option('--keyring <file>', 'extra trusted OpenPGP public key file for refreshes (repeatable)', collect)
    .option('--cache-dir <dir>', 'download cache for refreshes')
    .action(serve);
}
