import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { validatorSource } from '../../../build/ignition-validators';
import { SUPPORTED_IGNITION_VERSIONS } from '../../../electron/core/ignition/schema-files';
import { validatorFor } from '../../../electron/core/ignition/schema-validators';

// The bundled CLI validates with code Ajv generated at build time; development and the app compile
// the schema at run time. Both must give the same verdict and the same errors.
const dir = mkdtempSync(join(tmpdir(), 'flint-validators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function precompiled(version: string): Promise<ValidateFunction> {
  const file = join(dir, `v${version}.mjs`);
  writeFileSync(file, validatorSource(version));
  return ((await import(pathToFileURL(file).href)) as { default: ValidateFunction }).default;
}

const samples = (version: string): unknown[] => [
  { ignition: { version } },
  { ignition: { version }, storage: { files: [{ path: 'etc/motd', mode: '420', contents: { source: 7 } }] } },
  { ignition: { version }, passwd: { users: [{ name: 42, sshAuthorizedKeys: 'ssh-ed25519 AAAA' }] } },
  { ignition: {}, systemd: { units: [{ enabled: 'yes' }] }, unknown: true },
  [],
];

describe('precompiled Ignition validators', () => {
  for (const version of SUPPORTED_IGNITION_VERSIONS) {
    it(`spec ${version}: same verdicts and errors as the run-time compiled schema`, async () => {
      const built = await precompiled(version);
      const runtime = validatorFor(version);
      let invalid = 0;
      for (const config of samples(version)) {
        const ok = built(config);
        expect(ok).toBe(runtime(config));
        expect(built.errors ?? null).toEqual(runtime.errors ?? null);
        if (!ok) invalid++;
      }
      expect(invalid).toBe(4);
    });
  }
});
