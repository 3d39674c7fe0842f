import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { inspectIso, inspectIsoFile } from '../../../electron/core/iso/inspect';
import { bufferSource, openFileSource } from '../../../electron/core/iso/byte-source';
import { lookupPath, readDirectory, readIso9660 } from '../../../electron/core/iso/iso9660';
import { fixtureIso } from '../../helpers/fixtures';

const FCOS = (v: string) => `mitigations=auto,nosmt coreos.liveiso=${v} ignition.firstboot ignition.platform.id=metal`;

// docs/live-iso-format.md §10 (offsets, lengths, karg sizes and slots) and §6.2/§6.4 numbers
const TABLE: Record<
  string,
  {
    embed: [number, number];
    volumeId: string;
    arch: string;
    kargs: null | { size: number; slots: number[]; pad?: string; end?: string };
    features: [boolean, boolean, boolean];
  }
> = {
  'embed-areas-2020-09': {
    embed: [92160, 262144],
    volumeId: 'rhcos-46.82.202112161843-0',
    arch: 'x86_64',
    kargs: null,
    features: [false, false, false],
  },
  'embed-areas-2021-01': {
    embed: [96256, 262144],
    volumeId: 'rhcos-47.84.202112162337-0',
    arch: 'x86_64',
    kargs: { size: 1131, slots: [94026, 365415] },
    features: [false, false, false],
  },
  'embed-areas-2021-09': {
    embed: [102400, 262144],
    volumeId: 'fedora-coreos-34.20210921.dev.0',
    arch: 'x86_64',
    kargs: { size: 1139, slots: [98126, 371658] },
    features: [false, false, false],
  },
  'embed-areas-2021-12': {
    embed: [161792, 262144],
    volumeId: 'fedora-coreos-35.20211216.dev.0',
    arch: 'x86_64',
    kargs: { size: 1139, slots: [139086, 431050] },
    features: [true, true, false],
  },
  'embed-areas-2022-02': {
    embed: [159744, 262144],
    volumeId: 'fedora-coreos-35.20220217.dev.0',
    arch: 'x86_64',
    kargs: { size: 1139, slots: [137038, 429002] },
    features: [true, true, false],
  },
  'embed-areas-2022-09': {
    embed: [159744, 262144],
    volumeId: 'fedora-coreos-36.20220909.dev.0',
    arch: 'x86_64',
    kargs: { size: 1139, slots: [137038, 429002] },
    features: [true, true, true],
  },
  'embed-areas-2023-03.s390x': {
    embed: [203776, 262144],
    volumeId: 'fedora-coreos-37.20230307.dev.0',
    arch: 's390x',
    kargs: null,
    features: [true, true, true],
  },
  'embed-areas-2023-03.x86_64': {
    embed: [157696, 262144],
    volumeId: 'fedora-coreos-37.20230306.dev.0',
    arch: 'x86_64',
    kargs: { size: 1139, slots: [427853, 431050] },
    features: [true, true, true],
  },
  'embed-areas-2023-07.s390x': {
    embed: [203776, 262144],
    volumeId: 'fedora-coreos-38.20230718.dev.0',
    arch: 's390x',
    kargs: { size: 896, slots: [138368], pad: '\0', end: '\0' },
    features: [true, true, true],
  },
  'embed-areas-2023-07.x86_64': {
    embed: [139264, 262144],
    volumeId: 'fedora-coreos-38.20230718.dev.0',
    arch: 'x86_64',
    kargs: { size: 1139, slots: [137037, 408522] },
    features: [true, true, true],
  },
};

describe('inspectIso on every ISO fixture (docs/live-iso-format.md §10)', () => {
  for (const [name, want] of Object.entries(TABLE)) {
    it(name, async () => {
      const facts = await inspectIsoFile(await fixtureIso(name));
      expect(facts.volumeId).toBe(want.volumeId);
      expect(facts.systemId).toBe(want.arch === 's390x' ? '' : 'LINUX');
      expect(facts.arch).toBe(want.arch);
      expect(facts.embedArea).toEqual({ offset: want.embed[0], length: want.embed[1] });
      expect(facts.members).toEqual([]);
      expect(facts.ignition).toBeNull();
      expect(facts.customized).toBe(false);
      expect([
        facts.features.installerConfig,
        facts.features.liveInitrdNetwork,
        facts.features.installerConfigDirectives.console === true,
      ]).toEqual(want.features);
      if (want.kargs === null) {
        expect(facts.kargs).toBeNull();
      } else {
        const k = facts.kargs!;
        expect(k.size).toBe(want.kargs.size);
        expect(k.slots.map((s) => s.offset)).toEqual(want.kargs.slots);
        for (const s of k.slots) expect([s.pad, s.end]).toEqual([want.kargs.pad ?? '#', want.kargs.end ?? '\n']);
        const dflt =
          name === 'embed-areas-2021-01'
            ? `random.trust_cpu=on coreos.liveiso=${want.volumeId} ignition.firstboot ignition.platform.id=metal`
            : FCOS(want.volumeId);
        expect(k.defaultKargs).toBe(dflt);
        expect(k.currentKargs).toBe(dflt);
      }
    });
  }

  it('the embed area is all zeros in a pristine image and the karg slot reads back as the kargs line', async () => {
    const buf = await readFile(await fixtureIso('embed-areas-2023-07.x86_64'));
    expect(buf.subarray(139264, 139264 + 262144).every((b) => b === 0)).toBe(true);
    const slot = buf.subarray(137037, 137037 + 1139 + 24).toString('latin1');
    expect(slot).toMatch(
      /^mitigations=auto,nosmt coreos\.liveiso=fedora-coreos-38\.20230718\.dev\.0 ignition\.firstboot ignition\.platform\.id=metal\n#+# COREOS_KARG_EMBED_AREA$/,
    );
  });

  it('agrees with the legacy coreiso+ header where the old fixtures still carry it (docs/live-iso-format.md §4.2)', async () => {
    for (const name of ['embed-areas-2020-09', 'embed-areas-2021-01', 'embed-areas-2021-09', 'embed-areas-2021-12']) {
      const buf = await readFile(await fixtureIso(name));
      expect(buf.subarray(32744, 32752).toString('latin1')).toBe('coreiso+');
      const facts = await inspectIso(bufferSource(buf));
      expect({ offset: Number(buf.readBigUInt64LE(32752)), length: Number(buf.readBigUInt64LE(32760)) }).toEqual(facts.embedArea);
    }
    const modern = await readFile(await fixtureIso('embed-areas-2022-02'));
    expect(modern.subarray(32672, 32768).every((b) => b === 0)).toBe(true);
  });

  it('reads through a file ByteSource and a buffer ByteSource alike', async () => {
    const path = await fixtureIso('embed-areas-2023-03.s390x');
    const viaBuffer = await inspectIso(bufferSource(await readFile(path)));
    const src = await openFileSource(path);
    try {
      expect(await inspectIso(src)).toEqual(viaBuffer);
    } finally {
      await src.close();
    }
  });
});

describe('ISO 9660 subset (docs/live-iso-format.md §3)', () => {
  it('walks the synthetic image: deep paths, odd names, a 150-file directory spanning sectors', async () => {
    const src = bufferSource(await readFile(await fixtureIso('synthetic')));
    const iso = await readIso9660(src);
    const deep = await lookupPath(src, iso, 'REALLY/VERY/DEEPLY/NESTED/FILE.TXT');
    expect(deep.isDirectory).toBe(false);
    expect(await lookupPath(src, iso, '/REALLY/./VERY/../VERY/DEEPLY')).toMatchObject({ isDirectory: true, name: 'DEEPLY' });
    const large = await readDirectory(src, await lookupPath(src, iso, 'LARGEDIR'));
    expect(large).toHaveLength(150);
    expect(large.map((r) => r.name)).toContain('150.DAT');
    const names = (await readDirectory(src, await lookupPath(src, iso, 'NAMES'))).map((r) => r.name);
    expect(names).toContain('ABCDEFGH.IJK');
    expect(names).toContain(':<=>?');
    await expect(lookupPath(src, iso, 'NOPE/FILE')).rejects.toThrow('intermediate directory NOPE does not exist');
    await expect(lookupPath(src, iso, 'CONTENT/MISSING')).rejects.toThrow('no record for MISSING in directory /CONTENT');
    await expect(lookupPath(src, iso, 'CONTENT/FILE.TXT/X')).rejects.toThrow(
      'component "FILE.TXT" in path CONTENT/FILE.TXT/X is not a directory',
    );
  });

  it('checks every volume descriptor: id, version, a primary one present', async () => {
    const vd = (type: number, id = 'CD001', version = 1) => {
      const b = Buffer.alloc(2048);
      b[0] = type;
      b.write(id, 1, 'latin1');
      b[6] = version;
      return b;
    };
    const image = (...vds: Buffer[]) => bufferSource(Buffer.concat([Buffer.alloc(32768), ...vds]));
    await expect(readIso9660(image(vd(255)))).rejects.toMatchObject({ causes: ['no primary volume descriptor found in ISO'] });
    await expect(readIso9660(image(vd(0), vd(1, 'CD001', 2)))).rejects.toMatchObject({
      causes: ['getting volume descriptor #2', 'unknown descriptor version: 2'],
    });
    await expect(readIso9660(image(vd(1, 'BEA01')))).rejects.toMatchObject({
      code: 'ISO_NOT_ISO',
      message: 'not an ISO 9660 image',
      causes: ['no ISO 9660 volume descriptor at byte 32768 ("CD001" expected, found "BEA01")'],
    });
    await expect(readIso9660(image(vd(1), vd(1, 'BEA01')))).rejects.toMatchObject({
      causes: ['getting volume descriptor #2', 'unknown descriptor ID: "BEA01"'],
    });
    await expect(readIso9660(image(vd(1)))).rejects.toMatchObject({
      message: 'parsing ISO9660 image',
      causes: ['getting volume descriptor #2', 'reading volume descriptor'],
    });
  });

  it('names a non-CoreOS ISO, a truncated ISO, a text file and an empty file precisely', async () => {
    const synthetic = await readFile(await fixtureIso('synthetic'));
    await expect(inspectIso(bufferSource(synthetic))).rejects.toMatchObject({
      message: 'Unrecognized CoreOS ISO image.',
      causes: ['finding initrd embed area', 'intermediate directory IMAGES does not exist'],
    });
    const full = await readFile(await fixtureIso('embed-areas-2023-07.x86_64'));
    await expect(inspectIso(bufferSource(full.subarray(0, 400_000)))).rejects.toThrow('ISO image is incomplete');
    await expect(inspectIso(bufferSource(Buffer.from('hello, I am text\n'.repeat(4000))))).rejects.toMatchObject({
      code: 'ISO_NOT_ISO',
      message: 'not an ISO 9660 image',
      causes: [expect.stringMatching(/^no ISO 9660 volume descriptor at byte 32768 \("CD001" expected, found "/)],
    });
    await expect(inspectIso(bufferSource(new Uint8Array(0)))).rejects.toMatchObject({
      code: 'ISO_NOT_ISO',
      message: 'not an ISO 9660 image',
      causes: ['the file is 0 bytes, too short to hold the volume descriptors at byte 32768'],
    });
  });
});
