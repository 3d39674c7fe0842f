// Self-test of the boot harness: the tiny ISO boots under BIOS and UEFI as a USB stick, and the
// oracle (bootProblems) really sees the command line, the embedded config and initrd failures.
// Customization here uses the harness's own minimal writer (raw-customize.ts), not Flint's code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { buildLiveIso, type LiveIsoInfo } from './lib/live-iso';
import { bootImage } from './lib/qemu';
import { bootProblems } from './lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from './lib/requirements';
import { embedConfigRaw, newcArchive, writeEmbedAreaRaw, writeKargsRaw } from './lib/raw-customize';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS, { tools: ['xz'] }));

describe.skipIf(why)('boot harness (tiny FCOS-like live ISO in QEMU)', () => {
  let dir = '';
  let info: LiveIsoInfo;
  const config = '{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"core"}]}}\n';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-boot-harness-'));
    info = buildLiveIso(join(dir, 'pristine.iso'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A private copy of the pristine ISO for one test. */
  function copy(name: string): string {
    const p = join(dir, name);
    copyFileSync(info.iso, p);
    return p;
  }

  it('lays out the embed areas where kargs.json and igninfo.json say', () => {
    const iso = readFileSync(info.iso);
    const out = join(dir, 'kargs.json');
    execFileSync('xorriso', ['-osirrox', 'on', '-indev', info.iso, '-extract', '/coreos/kargs.json', out], { stdio: 'ignore' });
    const kargsJson = JSON.parse(readFileSync(out, 'utf8'));
    expect(kargsJson.default).toBe(info.defaultKargs);
    expect(kargsJson.size).toBe(info.kargAreaSize);
    expect(kargsJson.files.map((f: { path: string }) => f.path).sort()).toEqual(['EFI/fedora/grub.cfg', 'isolinux/isolinux.cfg']);
    for (const off of Object.values(info.kargAreas)) {
      const area = iso.subarray(off, off + info.kargAreaSize).toString('latin1');
      expect(area).toBe(info.defaultKargs + '\n' + '#'.repeat(info.kargAreaSize - info.defaultKargs.length - 1));
      expect(iso.subarray(off + info.kargAreaSize, off + info.kargAreaSize + 25).toString()).toBe('# COREOS_KARG_EMBED_AREA\n');
    }
    const ign = iso.subarray(info.ignitionImg.offset, info.ignitionImg.offset + info.ignitionImg.length);
    expect(ign.length).toBe(262144);
    expect(ign.every((b) => b === 0)).toBe(true);
  });

  for (const firmware of ['bios', 'uefi'] as const) {
    it(`boots the pristine ISO as a USB stick under ${firmware}: no config, default kargs`, async () => {
      const r = await bootImage({ image: info.iso, firmware });
      expect(bootProblems(r, { noIgnition: true, rejectKargs: ['coreos.liveiso.fromram'] })).toEqual([]);
      expect(r.report.cmdline).toContain(info.defaultKargs);
      expect(r.report.extraFiles).toEqual([]);
    }, 120_000);

    it(`boots a stick customized the coreos-installer way under ${firmware}: config and karg arrive`, async () => {
      const image = copy(`custom-${firmware}.iso`);
      embedConfigRaw(info, Buffer.from(config), image);
      writeKargsRaw(info, info.defaultKargs + ' coreos.liveiso.fromram', 'coreos', image);
      const r = await bootImage({ image, firmware });
      expect(bootProblems(r, { ignition: config, kargs: ['coreos.liveiso.fromram'] })).toEqual([]);
      expect(r.report.ignition).toBe(config);
      expect(r.report.extraFiles).toContain('/config.ign');
    }, 120_000);
  }

  it('boots the customized stick via its ESP partition (El Torito disabled), as many PCs do', async () => {
    const image = copy('custom-esp.iso');
    embedConfigRaw(info, Buffer.from(config), image);
    writeKargsRaw(info, info.defaultKargs + ' coreos.liveiso.fromram', 'coreos', image);
    const r = await bootImage({ image, firmware: 'uefi', espBoot: true });
    expect(bootProblems(r, { ignition: config, kargs: ['coreos.liveiso.fromram'] })).toEqual([]);
    expect(r.serial).toContain('fcos-mini: booting via ESP');
  }, 120_000);

  it('catches kargs glued to the padding (no newline): the oracle reports it', async () => {
    const image = copy('glued.iso');
    writeKargsRaw(info, info.defaultKargs + ' coreos.liveiso.fromram', 'glued', image);
    const r = await bootImage({ image, firmware: 'bios' });
    const problems = bootProblems(r, { kargs: ['coreos.liveiso.fromram'] });
    expect(problems.some((p) => p.startsWith("karg 'coreos.liveiso.fromram' missing"))).toBe(true);
    expect(problems.some((p) => p.startsWith("'#' padding"))).toBe(true);
  }, 120_000);

  it('catches an initrd the kernel cannot unpack (xz with the default CRC64 check)', async () => {
    const image = copy('crc64.iso');
    const xz = execFileSync('xz', ['--format=xz', '--check=crc64', '-c'], {
      input: newcArchive([{ name: 'config.ign', data: Buffer.from(config) }]),
    });
    writeEmbedAreaRaw(info, xz, image);
    const r = await bootImage({ image, firmware: 'bios' });
    expect(r.outcome).toBe('BOOT-OK');
    expect(r.report.initramfsErrors.length).toBeGreaterThan(0);
    expect(bootProblems(r, {}).some((p) => p.includes('could not unpack an initrd'))).toBe(true);
  }, 120_000);
});
