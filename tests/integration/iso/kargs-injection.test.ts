/**
 * Kernel arguments with control characters never reach the karg areas (GRUB's grub.cfg and
 * ISOLINUX's isolinux.cfg live there): a newline in `iso kargs modify --append` or
 * `iso customize --live-karg-append` would start new config lines (`}` ends the menu entry, a new
 * `menuentry` follows). The CLI refuses them with one error line and leaves the ISO untouched.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runFlint } from '../../helpers/cli';
import { fixtureIsoCopy } from '../../helpers/fixtures';

const EVIL = 'quiet\n}\nmenuentry evil {';
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('control characters in kernel arguments (CLI)', () => {
  it('iso kargs modify and iso customize refuse a newline, in place and to a new file', async () => {
    const iso = await fixtureIsoCopy('embed-areas-2023-07.x86_64');
    const before = sha(iso);
    for (const args of [
      ['iso', 'kargs', 'modify', '--append', EVIL, iso],
      ['iso', 'kargs', 'modify', '--replace', `mitigations=auto,nosmt=off\n}`, iso],
      ['iso', 'customize', '--live-karg-append', EVIL, '-o', `${iso}.out`, iso],
      ['iso', 'customize', '--live-karg-append', 'a\tb', '-o', `${iso}.out`, iso],
    ]) {
      const r = await runFlint(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^Error: kernel argument '.*\\[nt].*' contains the control character U\+000[9A]/);
      expect(() => readFileSync(`${iso}.out`)).toThrow();
    }
    expect(sha(iso)).toBe(before);
    // the same arguments split on their own lines are fine
    const ok = await runFlint(['iso', 'kargs', 'modify', '--append', 'quiet', '--append', 'console=ttyS0,115200n8', iso]);
    expect(ok.code, ok.stderr).toBe(0);
    const shown = await runFlint(['iso', 'kargs', 'show', iso]);
    expect(shown.stdout.toString()).toMatch(/ quiet console=ttyS0,115200n8\n$/);
  });
});
