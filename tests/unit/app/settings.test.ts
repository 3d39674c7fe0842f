// Settings: a saved file is read leniently (a wrong field loses only itself); a change is checked
// before it is saved (mirror URL, cache folder, proxy, keys), naming the field; and the settings
// become the core options the CLI flags of the same names set.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, checkSettings, coreOptionsOf, sanitizeSettings } from '../../../electron/app/settings';
import { TEST_KEY } from '../../helpers/mirror-server';

const field = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return `${(err as { code: string }).code}:${String((err as { params?: { field?: string } }).params?.field)}`;
  }
};

describe('settings', () => {
  it('read leniently, eject on and loop devices off by default', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ ejectWhenDone: true, allowLoop: false, proxyMode: 'environment' });
    expect(sanitizeSettings({ baseUrl: 7, ejectWhenDone: false, keys: [{ name: 'a' }, { name: 'k', armored: 'x' }] })).toEqual({
      ...DEFAULT_SETTINGS,
      ejectWhenDone: false,
      keys: [{ name: 'k', armored: 'x' }],
    });
  });

  it('checked before saving, naming the field', async () => {
    expect(await field(checkSettings({ ...DEFAULT_SETTINGS, baseUrl: 'ftp://mirror' }))).toBe('SETTINGS_INVALID:baseUrl');
    expect(await field(checkSettings({ ...DEFAULT_SETTINGS, cacheDir: 'relative/cache' }))).toBe('SETTINGS_INVALID:cacheDir');
    expect(await field(checkSettings({ ...DEFAULT_SETTINGS, proxyMode: 'url', proxyUrl: '' }))).toBe('SETTINGS_INVALID:proxyUrl');
    expect(await field(checkSettings({ ...DEFAULT_SETTINGS, keys: [{ name: 'junk.asc', armored: 'not a key' }] }))).toBe(
      'SETTINGS_INVALID:keys',
    );
    const ok = await checkSettings({
      ...DEFAULT_SETTINGS,
      baseUrl: 'http://mirror.site/fcos/',
      proxyMode: 'url',
      proxyUrl: 'proxy:3128',
      keys: [{ name: 'site.asc', armored: TEST_KEY.publicArmored }],
    });
    expect(ok).toMatchObject({ baseUrl: 'http://mirror.site/fcos', proxyUrl: 'http://proxy:3128' });
  });

  it('become the options the CLI flags set', () => {
    expect(coreOptionsOf(DEFAULT_SETTINGS)).toEqual({ allowLoop: false });
    expect(coreOptionsOf({ ...DEFAULT_SETTINGS, proxyMode: 'none' }).proxy).toBe('');
    expect(
      coreOptionsOf({
        ...DEFAULT_SETTINGS,
        baseUrl: 'http://m',
        cacheDir: '/c',
        proxyMode: 'url',
        proxyUrl: 'http://p:1',
        allowLoop: true,
        keys: [{ name: 'k', armored: 'K' }],
      }),
    ).toEqual({ baseUrl: 'http://m', cacheDir: '/c', proxy: 'http://p:1', allowLoop: true, keyrings: ['K'] });
  });
});
