/**
 * Config findings (Ignition validation errors and live-boot warnings) are worded by the renderer
 * from the code and parameters the core emits; the core's English sentence is only the fallback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configIssueText } from '../../../renderer/src/config-words';
import { applyLanguage } from '../../../renderer/src/i18n';
import { expectWordedEverywhere, findings } from '../../helpers/config-words';

/** Configs that trigger findings, each with a value its sentence must name. */
const CASES: { what: string; config: unknown; code: string; names: string[] }[] = [
  {
    what: 'a wiped partition table on a kernel device name',
    config: { ignition: { version: '3.4.0' }, storage: { disks: [{ device: '/dev/sdb', wipeTable: true }] } },
    code: 'LIVE_UNSTABLE_DEVICE',
    names: ['/dev/sdb'],
  },
  {
    what: 'the same config (wipeTable)',
    config: { ignition: { version: '3.4.0' }, storage: { disks: [{ device: '/dev/sdb', wipeTable: true }] } },
    code: 'LIVE_WIPE_TABLE',
    names: ['wipeTable'],
  },
  { what: 'a 2.x config', config: { ignition: { version: '2.2.0' } }, code: 'VERSION_2X', names: ['2.2.0'] },
  { what: 'a config without version', config: { ignition: {} }, code: 'VERSION_MISSING', names: [] },
  { what: 'not JSON', config: '{ "ignition": ', code: 'JSON_INVALID', names: [] },
];

afterEach(async () => {
  await applyLanguage('en');
});

describe('config findings in the app language', () => {
  for (const c of CASES) {
    it(`${c.what}: ${c.code} carries parameters and is worded in every language`, async () => {
      const issue = (await findings(c.config)).find((i) => i.code === c.code);
      expect(issue, `${c.code} among the findings`).toBeDefined();
      expect(issue!.params).toBeDefined();
      await expectWordedEverywhere(issue!, c.names);
    });
  }

  it('an unknown code, or parameters of the wrong shape, keep the core sentence', async () => {
    await applyLanguage('de');
    expect(configIssueText({ code: 'SOMETHING_NEW', message: 'CORE-FALLBACK', params: {} })).toBe('CORE-FALLBACK');
    expect(configIssueText({ code: 'VERSION_2X', message: 'CORE-FALLBACK' })).toBe('CORE-FALLBACK');
    expect(configIssueText({ code: 'VERSION_2X', message: 'CORE-FALLBACK', params: { version: 7 } })).toBe('CORE-FALLBACK');
  });
});
