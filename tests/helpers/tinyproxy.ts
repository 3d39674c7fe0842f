import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real HTTP proxy on 127.0.0.1 for tests: Debian's tinyproxy (1.11), run in the foreground
 * (`-d`) with its own config file in a temp dir, stopped by its pid. Its log (LogLevel Connect)
 * names every request and CONNECT it handled, which is how tests prove a request went through it.
 */
export interface TinyProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  pid: number;
  /** The proxy's log so far. */
  log(): string;
  /** Lines of the log for requests it received (`GET http://...`, `CONNECT 127.0.0.1:P`). */
  requests(): string[];
  stop(): Promise<void>;
}

/** Options of startTinyproxy. */
export interface TinyProxyOptions {
  /** Client address allowed to use the proxy (default 127.0.0.1); another one makes it refuse us (403). */
  allow?: string;
  /** Ports CONNECT may reach (default: any); e.g. [443] makes it refuse a tunnel to a test server. */
  connectPorts?: number[];
  /** Basic credentials the proxy asks for (407 without them). */
  basicAuth?: { user: string; password: string };
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function listening(port: number, child: ChildProcess, deadline: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('tinyproxy did not start listening within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts tinyproxy on a free port of 127.0.0.1. Always `await proxy.stop()` in a finally/afterEach. */
export async function startTinyproxy(opts: TinyProxyOptions = {}): Promise<TinyProxy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flint-tinyproxy-'));
  const port = await freePort();
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    'MaxClients 32',
    'LogLevel Connect',
    `Allow ${opts.allow ?? '127.0.0.1'}`,
    ...(opts.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
    ...(opts.basicAuth ? [`BasicAuth ${opts.basicAuth.user} ${opts.basicAuth.password}`] : []),
  ];
  if (process.getuid?.() === 0) lines.push('User nobody', 'Group nogroup');
  const conf = path.join(dir, 'tinyproxy.conf');
  await writeFile(conf, lines.join('\n') + '\n');
  const child = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await listening(port, child, Date.now() + 10_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`, { cause: err });
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    log: () => log,
    requests: () =>
      log
        .split('\n')
        .map((l) => /Request \(file descriptor \d+\): (.*)$/.exec(l)?.[1])
        .filter((l): l is string => !!l),
    stop,
  };
}
