/**
 * Config findings (Ignition validation errors and live-boot warnings) are worded by the renderer
 * from the code and parameters the core emits; the core's English sentence is only the fallback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { validateIgnition } from '../../../electron/core/ignition/validate';
import type { ConfigIssue } from '../../../electron/core/ignition/types';
import { configIssueText } from '../../../renderer/src/messages';
import { applyLanguage, LANGUAGES, MISSING } from '../../../renderer/src/i18n';

const enc = (x: unknown) => new TextEncoder().encode(typeof x === 'string' ? x : JSON.stringify(x));

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

async function findings(config: unknown): Promise<ConfigIssue[]> {
  const r = await validateIgnition(enc(config));
  return [...r.errors, ...r.warnings];
}

afterEach(async () => {
  await applyLanguage('en');
});

describe('config findings in the app language', () => {
  for (const c of CASES) {
    it(`${c.what}: ${c.code} carries parameters and is worded in every language`, async () => {
      const issue = (await findings(c.config)).find((i) => i.code === c.code);
      expect(issue, `${c.code} among the findings`).toBeDefined();
      expect(issue!.params).toBeDefined();
      await applyLanguage('en');
      const english = configIssueText(issue!);
      for (const { id } of LANGUAGES) {
        await applyLanguage(id);
        const text = configIssueText(issue!);
        expect(text).not.toContain(MISSING);
        expect(text).not.toMatch(/\{\{|\}\}/);
        for (const n of c.names) expect(text).toContain(n);
        if (id === 'de') expect(text).not.toBe(english);
      }
    });
  }

  it('an unknown code, or parameters of the wrong shape, keep the core sentence', async () => {
    await applyLanguage('de');
    expect(configIssueText({ code: 'SOMETHING_NEW', message: 'CORE-FALLBACK', params: {} })).toBe('CORE-FALLBACK');
    expect(configIssueText({ code: 'VERSION_2X', message: 'CORE-FALLBACK' })).toBe('CORE-FALLBACK');
    expect(configIssueText({ code: 'VERSION_2X', message: 'CORE-FALLBACK', params: { version: 7 } })).toBe('CORE-FALLBACK');
  });
});
