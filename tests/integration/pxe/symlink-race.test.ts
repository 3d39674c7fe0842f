/**
 * `flint serve` (startBootServer) and the `flint ui` static server never serve a file outside
 * their folder, even while another process keeps swapping a served file for a symlink that
 * points outside (the race between checking a path and opening it). The swapper is a separate
 * process with a bounded number of swaps; it is stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiServer } from '../../../electron/bridge/ui-server';
import { startBootServer } from '../../../electron/core/pxe/server';
import { openInside } from '../../../electron/core/safe-path';

const SECRET = 'SECRET-OUTSIDE-THE-FOLDER';
const INSIDE = 'inside the folder';
const REQUESTS = 3000;

/** A node process that swaps `file` between a regular file and a symlink to `outside`, `swaps` times. */
function startSwapper(file: string, outside: string, swaps: number): ChildProcess {
  const script = `
    const fs = require('node:fs');
    const [file, outside, swaps, inside] = process.argv.slice(1);
    for (let i = 0; i < Number(swaps); i++) {
      const tmp = file + '.tmp';
      fs.rmSync(tmp, { force: true });
      if (i % 2) fs.writeFileSync(tmp, inside); else fs.symlinkSync(outside, tmp);
      fs.renameSync(tmp, file);
    }
    fs.rmSync(file + '.tmp', { force: true });
  `;
  return spawn(process.execPath, ['-e', script, file, outside, String(swaps), INSIDE], { stdio: 'ignore' });
}

/** GETs `url` `count` times, 16 at a time; returns the bodies of the 200 answers. */
async function hammer(url: string, count: number): Promise<string[]> {
  const bodies: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      // a connection the server cuts (its read failed) is not a body
      const r = await fetch(url).catch(() => null);
      const body = r?.status === 200 ? await r.text().catch(() => null) : await r?.body?.cancel();
      if (typeof body === 'string') bodies.push(body);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return bodies;
}

describe('serving while a file is swapped for a symlink to outside', () => {
  let dir = '';
  let swapper: ChildProcess | null = null;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-race-'));
    writeFileSync(join(dir, 'secret.txt'), SECRET);
  });
  afterAll(() => {
    if (swapper && swapper.exitCode === null) swapper.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function race(url: string, file: string): Promise<string[]> {
    writeFileSync(file, INSIDE);
    swapper = startSwapper(file, join(dir, 'secret.txt'), 400_000);
    const exited = new Promise((r) => swapper!.once('exit', r));
    try {
      return await hammer(url, REQUESTS);
    } finally {
      swapper.kill('SIGTERM');
      await exited;
    }
  }

  it('flint serve never answers with the outside file', async () => {
    const served = join(dir, 'mirror');
    mkdirSync(served);
    const server = await startBootServer({ dir: served, port: 0 });
    try {
      const bodies = await race(`${server.url}boot.ipxe`, join(served, 'boot.ipxe'));
      expect(bodies.filter((b) => b === SECRET)).toHaveLength(0);
      // the race really ran: the inside file was served too
      expect(bodies.filter((b) => b === INSIDE).length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('without /proc (macOS, Windows) the inode check catches the swap too', async () => {
    const served = join(dir, 'plain');
    mkdirSync(served);
    const file = join(served, 'f');
    writeFileSync(file, INSIDE);
    swapper = startSwapper(file, join(dir, 'secret.txt'), 400_000);
    const exited = new Promise((r) => swapper!.once('exit', r));
    const seen: string[] = [];
    try {
      for (let i = 0; i < REQUESTS; i++) {
        const opened = await openInside(served, '/f', false);
        if (typeof opened === 'string') continue;
        seen.push((await opened.handle.readFile()).toString());
        await opened.handle.close();
      }
    } finally {
      swapper.kill('SIGTERM');
      await exited;
    }
    expect(seen.filter((b) => b === SECRET)).toHaveLength(0);
    expect(seen.filter((b) => b === INSIDE).length).toBeGreaterThan(0);
  }, 120_000);

  it('the flint ui static server never answers with the outside file', async () => {
    const renderer = join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>');
    const server = await startUiServer({ port: 0, rendererDir: renderer, core: { listDrives: async () => [], watchDrives: undefined } });
    try {
      const bodies = await race(`${server.origin}/app.js`, join(renderer, 'app.js'));
      expect(bodies.filter((b) => b === SECRET)).toHaveLength(0);
      expect(bodies.filter((b) => b === INSIDE).length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 120_000);
});
