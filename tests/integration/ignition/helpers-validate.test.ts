import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldSettings, parseStaticIp } from '../../../electron/core/ignition/field-settings';
import { mergeConfig } from '../../../electron/core/ignition/merge';
import { persistentVarFragment } from '../../../electron/core/ignition/persistent-var';
import type { JsonObject } from '../../../electron/core/ignition/types';
import { skipReason } from '../../helpers/requirements';

const run = promisify(execFile);
const why = skipReason({ tools: ['ignition-validate'] });

const CONFIGS: Record<string, () => JsonObject> = {
  'var xfs': () => persistentVarFragment({ disk: '/dev/disk/by-id/ata-SSD', filesystem: 'xfs' }),
  'var ext4 sized': () => persistentVarFragment({ disk: '/dev/disk/by-id/ata-SSD', filesystem: 'ext4', sizeMiB: 4096 }),
  'var luks': () => persistentVarFragment({ disk: '/dev/disk/by-id/ata-SSD', filesystem: 'xfs', luksKeyFile: 'k3y' }),
  settings: () =>
    fieldSettings({
      sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample a@b'],
      hostname: 'edge-1',
      timezone: 'Europe/Berlin',
      staticIp: parseStaticIp('10.1.2.3/24,10.1.2.1'),
    }).fragment,
  'all merged into 3.3.0': () =>
    mergeConfig(
      mergeConfig(
        { ignition: { version: '3.3.0' } },
        persistentVarFragment({ disk: '/dev/disk/by-id/x', filesystem: 'xfs', luksKeyFile: 'k' }),
      ),
      fieldSettings({ hostname: 'h', timezone: 'UTC' }).fragment,
    ),
};

describe.skipIf(why)('helper output passes ignition-validate', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flint-helpval-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(CONFIGS))('%s', async (name) => {
    const file = join(dir, name.replace(/\W+/g, '_') + '.ign');
    await writeFile(file, JSON.stringify(CONFIGS[name]()));
    const { stdout, stderr } = await run('ignition-validate', [file]);
    expect(stdout + stderr).toBe('');
  });
});
