import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unxzAt } from '../../electron/core/codecs/compression';
import { decodeBudget } from '../../electron/core/codecs/limits';

/** Root of the copied coreos-installer fixtures inside the project. */
export const COREOS_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'coreos-installer');

/** Names of the ISO fixtures (without `.iso.xz`). */
export const ISO_FIXTURES = [
  'embed-areas-2020-09',
  'embed-areas-2021-01',
  'embed-areas-2021-09',
  'embed-areas-2021-12',
  'embed-areas-2022-02',
  'embed-areas-2022-09',
  'embed-areas-2023-03.s390x',
  'embed-areas-2023-03.x86_64',
  'embed-areas-2023-07.s390x',
  'embed-areas-2023-07.x86_64',
  'synthetic',
] as const;

let cacheDir: string | null = null;
const pending = new Map<string, Promise<string>>();
const made = new Set<string>();

/** Removes every temp dir this helper made (by exact name) and forgets the cache. */
export function removeFixtureCopies(): void {
  for (const d of made) rmSync(d, { recursive: true, force: true });
  made.clear();
  pending.clear();
  cacheDir = null;
}

// Vitest workers are ended without running 'exit' handlers, so inside vitest the cleanup is a
// file-level afterAll hook (registered when a test file imports this helper); plain node
// scripts such as the benchmarks get the 'exit' handler.
if (process.env.VITEST_WORKER_ID) {
  try {
    const { afterAll } = await import('vitest');
    afterAll(removeFixtureCopies);
  } catch {
    /* imported outside a test file's collection (e.g. a child script): the exit handler remains */
  }
}
process.on('exit', removeFixtureCopies);

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.add(d);
  return d;
}

function dir(): string {
  if (!cacheDir) cacheDir = tempDir('flint-fixtures-');
  return cacheDir;
}

/**
 * Decompresses `tests/fixtures/coreos-installer/iso/<name>.iso.xz` (name with or without the
 * `.iso`/`.iso.xz` suffix) into a per-process temp dir and returns the path of a pristine copy.
 * The decompressed file is cached; callers that modify an ISO must copy it first
 * (see fixtureIsoCopy). The temp dir is removed after the test file (or when a script exits).
 */
export function fixtureIso(name: string): Promise<string> {
  const base = name.replace(/\.xz$/, '').replace(/\.iso$/, '');
  let p = pending.get(base);
  if (!p) {
    p = (async () => {
      const out = join(dir(), `${base}.iso`);
      if (!existsSync(out)) {
        const xz = await readFile(join(COREOS_FIXTURES, 'iso', `${base}.iso.xz`));
        writeFileSync(out, (await unxzAt(xz, 0, decodeBudget(1024 ** 3, 'a fixture'))).data);
      }
      return out;
    })();
    pending.set(base, p);
  }
  return p;
}

/** A private, writable copy of an ISO fixture at `dest` (or in a fresh temp dir); returns its path. */
export async function fixtureIsoCopy(name: string, dest?: string): Promise<string> {
  const src = await fixtureIso(name);
  const out = dest ?? join(tempDir('flint-iso-'), `${name}.iso`);
  writeFileSync(out, await readFile(src));
  return out;
}

/** Reads a file of tests/fixtures/coreos-installer/customize/. */
export function customizeFixture(name: string): Promise<Buffer> {
  return readFile(join(COREOS_FIXTURES, 'customize', name));
}
