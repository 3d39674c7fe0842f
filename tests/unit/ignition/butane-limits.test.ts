/**
 * Hostile Butane input costs bounded time: nested `<<` merge keys (exponential when each level is
 * expanded again) translate in linear time, alias fan-out ("billion laughs") stops with
 * BUTANE_TOO_LARGE, a merge that includes itself is an error instead of a stack overflow. Every
 * input is generated here.
 */
import { describe, expect, it } from 'vitest';
import { ButaneError, translateButane } from '../../../electron/core/ignition/butane/translate';
import { aliasFanOut, nestedMerges } from '../../helpers/hostile-butane';

const HDR = 'variant: fcos\nversion: 1.5.0\n';

function failure(text: string): ButaneError {
  try {
    translateButane(text);
  } catch (err) {
    if (err instanceof ButaneError) return err;
    throw err;
  }
  throw new Error('expected a ButaneError');
}

describe('Butane alias and merge limits', () => {
  it('expands 40 levels of nested merge keys once each', () => {
    const text = nestedMerges(40);
    expect(text.length).toBeLessThan(2500);
    const t0 = Date.now();
    const { config } = translateButane(text);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const files = (config.storage as { files: { path: string; mode: number }[] }).files;
    expect(files).toHaveLength(41);
    expect(files[40]).toEqual({ path: '/etc/a40', mode: 420 });
  }, 20_000);

  it('refuses alias fan-out with BUTANE_TOO_LARGE', () => {
    const t0 = Date.now();
    const err = failure(aliasFanOut(2000));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(err.issues).toEqual([
      expect.objectContaining({ code: 'BUTANE_TOO_LARGE', message: expect.stringMatching(/aliases and << merge keys/) }),
    ]);
  }, 30_000);

  it('refuses a merge key that includes its own mapping', () => {
    const err = failure(`${HDR}storage:\n  files:\n    - &self\n      path: /etc/a\n      <<: *self\n`);
    expect(err.issues[0]).toMatchObject({ code: 'BUTANE_ALIAS_LOOP', line: 7 });
  });

  it('still translates configs that use aliases the ordinary way', () => {
    let text = `${HDR}storage:\n  files:\n`;
    for (let i = 0; i < 2000; i++) text += `    - {path: /var/f${i}, user: ${i === 0 ? '&owner {name: core}' : '*owner'}}\n`;
    const { config } = translateButane(text);
    const files = (config.storage as { files: { user: unknown }[] }).files;
    expect(files).toHaveLength(2000);
    expect(files[1999]!.user).toEqual({ name: 'core' });
  });
});
