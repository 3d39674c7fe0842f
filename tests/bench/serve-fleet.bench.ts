/**
 * Boot mirror under a fleet's load (plain node script: `node --import tsx
 * tests/bench/serve-fleet.bench.ts`): sixteen machines fetch a 256 MiB rootfs at the same time,
 * as a row booting together does. `flint serve` (the whole CLI process, as a user runs it) against
 * Debian's nginx serving the same folder with the server block `flint pxe export --nginx` writes,
 * in the same run, both on 127.0.0.1, in interleaved rounds. Clients are `curl -o /dev/null`.
 * Prints the median aggregate throughput of each, their ratio (goal >= 0.8), the load average and
 * the CPU time each server spent per round (nginx: master and workers), which depends less on
 * what else the machine is doing than the throughput does.
 * The folder and both servers are removed and stopped by path and pid at the end.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nginxConfig } from '../../electron/core/pxe/servers';
import { FLINT_BIN } from '../helpers/paths';

const MiB = 1 << 20;
const SIZE = 256 * MiB;
const CLIENTS = 16;
const ROUNDS = Number(process.env.FLINT_BENCH_ROUNDS ?? 3);
const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  return port;
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await run('curl', ['-sf', '-o', '/dev/null', '-r', '0-0', url]);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`no answer from ${url}`);
}

/** Seconds for CLIENTS concurrent full downloads of `url`. */
async function fleet(url: string): Promise<number> {
  const t = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, () => run('curl', ['-sf', '-o', '/dev/null', url])));
  return (performance.now() - t) / 1000;
}

/** CPU milliseconds (user + system) spent so far by process `pid` and its children now running (nginx's workers). */
function cpuMs(pid: number): number {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // pgrep exits 1 when there is no child
  }
  let ticks = 0;
  for (const p of [pid, ...children]) {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of proc(5))
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** Runs one fleet round against `url` and adds the server's CPU time for it to `cpu`. */
async function round(server: ChildProcess, url: string, cpu: number[]): Promise<number> {
  const before = cpuMs(server.pid!);
  const s = await fleet(url);
  cpu.push(cpuMs(server.pid!) - before);
  return s;
}

async function stop(p: ChildProcess): Promise<void> {
  if (!p.pid || p.exitCode !== null || p.signalCode !== null) return;
  process.kill(p.pid, 'SIGTERM');
  await Promise.race([once(p, 'exit'), new Promise((r) => setTimeout(r, 3000))]);
  if (p.exitCode === null && p.signalCode === null) process.kill(p.pid, 'SIGKILL');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flint-bench-serve-fleet-'));
  const servers: ChildProcess[] = [];
  try {
    const site = join(dir, 'site');
    mkdirSync(site);
    const fd = openSync(join(site, 'rootfs.img'), 'w');
    const buf = Buffer.alloc(4 * MiB);
    for (let done = 0; done < SIZE; done += buf.length) writeSync(fd, randomFillSync(buf));
    closeSync(fd);

    const flintPort = await freePort();
    const flintServer = spawn(process.execPath, [FLINT_BIN, 'serve', '--dir', site, '--port', String(flintPort)], { stdio: 'ignore' });
    servers.push(flintServer);
    const nginxPort = await freePort();
    const ngx = join(dir, 'nginx');
    mkdirSync(ngx);
    writeFileSync(join(ngx, 'site.conf'), nginxConfig({ root: site, port: nginxPort, address: '127.0.0.1' }));
    writeFileSync(
      join(ngx, 'main.conf'),
      [
        'daemon off;',
        // the folder is a private temp dir (0700): workers keep the benchmark's user
        ...(process.getuid?.() === 0 ? ['user root;'] : []),
        'worker_processes auto;',
        `pid ${join(ngx, 'nginx.pid')};`,
        `error_log ${join(ngx, 'error.log')};`,
        'events {}',
        `http { access_log off; client_body_temp_path ${ngx}; include ${join(ngx, 'site.conf')}; }`,
        '',
      ].join('\n'),
    );
    execFileSync('nginx', ['-t', '-q', '-p', ngx, '-c', join(ngx, 'main.conf')]);
    const nginxServer = spawn('nginx', ['-p', ngx, '-c', join(ngx, 'main.conf')], { stdio: 'ignore' });
    servers.push(nginxServer);
    const flintUrl = `http://127.0.0.1:${flintPort}/rootfs.img`;
    const nginxUrl = `http://127.0.0.1:${nginxPort}/rootfs.img`;
    await waitFor(flintUrl);
    await waitFor(nginxUrl);

    const nginxRuns: number[] = [];
    const flintRuns: number[] = [];
    const nginxCpu: number[] = [];
    const flintCpu: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      nginxRuns.push(await round(nginxServer, nginxUrl, nginxCpu));
      flintRuns.push(await round(flintServer, flintUrl, flintCpu));
    }
    const nginx = median(nginxRuns);
    const flint = median(flintRuns);
    const mbps = (s: number) => ((CLIENTS * SIZE) / MiB / s).toFixed(0);
    console.log(
      `${CLIENTS} clients x ${SIZE / MiB} MiB at once, median of ${ROUNDS} interleaved rounds, 127.0.0.1; ` +
        `load average ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')} on ${availableParallelism()} CPUs`,
    );
    const cpu = (xs: number[]) => `server CPU ${(median(xs) / 1000).toFixed(2)} s per round`;
    console.log(`nginx (baseline)  ${mbps(nginx)} MiB/s in all (${nginx.toFixed(2)} s), ${cpu(nginxCpu)}`);
    console.log(
      `flint serve       ${mbps(flint)} MiB/s in all (${flint.toFixed(2)} s), ${cpu(flintCpu)}  ` +
        `ratio ${(nginx / flint).toFixed(2)} (goal >= 0.80)`,
    );
    if (nginx / flint < 0.8) process.exitCode = 1;
  } finally {
    for (const p of servers) await stop(p);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
