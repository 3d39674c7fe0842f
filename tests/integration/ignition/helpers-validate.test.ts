import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fieldSettings, parseStaticIp } from '../../../electron/core/ignition/field-settings';
import { mergeConfig } from '../../../electron/core/ignition/merge';
import { persistentVarFragment } from '../../../electron/core/ignition/persistent-var';
import type { JsonObject } from '../../../electron/core/ignition/types';
import { skipReason } from '../../helpers/requirements';
import { useTempDir } from '../../helpers/lifecycle';
import { ignitionValidate } from '../../helpers/ignition-validate';

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
  const tmp = useTempDir('flint-helpval-');

  it.each(Object.keys(CONFIGS))('%s', async (name) => {
    const file = tmp.join(name.replace(/\W+/g, '_') + '.ign');
    await writeFile(file, JSON.stringify(CONFIGS[name]()));
    expect(await ignitionValidate(file)).toEqual({ ok: true, output: '' });
  });
});
