import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { validateIgnition } from '../../../electron/core/ignition/validate';
import { skipReason } from '../../helpers/requirements';
import { useTempDir } from '../../helpers/lifecycle';
import { ignitionValidate } from '../../helpers/ignition-validate';

/**
 * Seeded random configs mixing valid and broken pieces (paths, sources, hashes, modes, devices,
 * partitions, RAID, LUKS, units, users, kargs): Flint's verdict must equal ignition-validate's on
 * every one. Known, intended difference left out: a 3.0-3.2 link without target (the official
 * schema requires it; Ignition 2.14's validator only checks it from 3.3 on).
 */
function generator(seed: number): () => object {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  const maybe = (p = 0.5): boolean => rnd() < p;
  const paths = ['/etc/a', '/etc/a/b', 'etc/rel', '/etc/./x', '/var/x', '/etc/a', '/opt/x/', '/'];
  const sources = [
    'data:,hello',
    'data:,a b',
    'https://e/x',
    'http://e/x',
    's3://b/k',
    'gs://b/k',
    'tftp://h/x',
    'ftp://h/x',
    '',
    'data:;base64,YQ==',
    'data:;base64,Y!',
    'data:text/plain,x',
    'arn:aws:s3:::b/k',
    'data:,%0',
    'data:,%zz',
  ];
  const hashes = ['sha512-' + 'a'.repeat(128), 'sha256-' + 'b'.repeat(64), 'sha512-00', 'md5-00'];
  const res = (): object => ({
    ...(maybe(0.8) ? { source: pick(sources) } : {}),
    ...(maybe(0.2) ? { compression: pick(['gzip', '', 'xz']) } : {}),
    ...(maybe(0.2) ? { verification: { hash: pick(hashes) } } : {}),
    ...(maybe(0.1) ? { httpHeaders: [{ name: 'A', value: 'b' }] } : {}),
  });
  return () => {
    const v = pick(['3.0.0', '3.1.0', '3.2.0', '3.3.0']);
    const st: Record<string, unknown> = {};
    if (maybe()) {
      st.files = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => ({
        path: pick(paths),
        ...(maybe() ? { contents: res() } : {}),
        ...(maybe(0.3) ? { overwrite: maybe() } : {}),
        ...(maybe(0.4) ? { mode: pick([420, 493, 4095, 4096, 2541, -1]) } : {}),
        ...(maybe(0.2) ? { append: [res()] } : {}),
      }));
    }
    if (maybe(0.3)) st.directories = [{ path: pick(paths), ...(maybe() ? { mode: pick([493, 9999]) } : {}) }];
    if (maybe(0.3)) st.links = [{ path: pick(paths), target: pick(['/x', 'rel', 'x']), ...(maybe(0.3) ? { hard: maybe() } : {}) }];
    if (maybe(0.3)) {
      st.filesystems = [
        {
          device: pick(['/dev/sdb', 'sdb', '/dev/disk/by-label/x']),
          ...(maybe(0.8) ? { format: pick(['xfs', 'ext4', 'zfs', 'none', 'swap', 'vfat', 'btrfs']) } : {}),
          ...(maybe() ? { path: pick(paths) } : {}),
          ...(maybe(0.3) ? { label: pick(['short', 'x'.repeat(12), 'x'.repeat(13), 'x'.repeat(17)]) } : {}),
          ...(maybe(0.2) ? { wipeFilesystem: true } : {}),
        },
      ];
    }
    if (maybe(0.3)) {
      st.disks = [
        {
          device: pick(['/dev/sda', 'sda']),
          partitions: Array.from({ length: Math.floor(rnd() * 3) }, () => ({
            ...(maybe() ? { number: pick([0, 1, 2]) } : {}),
            ...(maybe() ? { label: pick(['a', 'b', 'x'.repeat(37)]) } : {}),
            ...(maybe(0.2) ? { shouldExist: false } : {}),
            ...(maybe(0.2) ? { typeGuid: pick(['xyz', '0FC63DAF-8483-4772-8E79-3D69D8477DE4']) } : {}),
            ...(maybe(0.2) ? { sizeMiB: pick([0, 100]) } : {}),
          })),
        },
      ];
    }
    if (maybe(0.2) && v >= '3.2.0')
      st.luks = [
        {
          name: pick(['a', 'a/b']),
          device: pick(['/dev/sdc', 'sdc']),
          ...(maybe() ? { keyFile: res() } : {}),
          ...(maybe(0.3) ? { clevis: { tpm2: true } } : {}),
        },
      ];
    if (maybe(0.2)) st.raid = [{ name: 'md', level: pick(['raid1', 'foo', 'linear', '5']), devices: [pick(['/dev/a', 'a']), '/dev/b'] }];
    const c: Record<string, unknown> = { ignition: { version: v } };
    if (Object.keys(st).length) c.storage = st;
    if (maybe(0.3))
      c.systemd = {
        units: [
          {
            name: pick(['a.service', 'foo', 'x.timer']),
            ...(maybe() ? { enabled: true } : {}),
            ...(maybe(0.3) ? { dropins: [{ name: pick(['x.conf', 'x']) }] } : {}),
          },
        ],
      };
    if (maybe(0.3)) {
      c.passwd = {
        users: [
          {
            name: 'core',
            ...(maybe() ? { sshAuthorizedKeys: maybe() ? ['a', 'a'] : ['a'] } : {}),
            ...(maybe(0.3) ? { groups: ['g', pick(['g', 'h'])] } : {}),
          },
        ],
        ...(maybe(0.2) ? { groups: [{ name: 'g' }, { name: pick(['g', 'h']) }] } : {}),
      };
    }
    if (maybe(0.2) && v >= '3.3.0') c.kernelArguments = { shouldExist: ['a'], shouldNotExist: [pick(['a', 'b'])] };
    return c;
  };
}

const why = skipReason({ tools: ['ignition-validate'] });

describe.skipIf(why)('random configs: Flint and ignition-validate reach the same verdict', () => {
  const tmp = useTempDir('flint-ignrand-');

  it.each([1, 2])('seed %i, 150 configs', async (seed) => {
    const next = generator(seed);
    const disagreements: string[] = [];
    let invalid = 0;
    for (let i = 0; i < 150; i++) {
      const text = JSON.stringify(next());
      const file = tmp.join(`s${seed}-${i}.ign`);
      await writeFile(file, text);
      const theirs = (await ignitionValidate(file)).ok;
      const ours = (await validateIgnition(new TextEncoder().encode(text), { capacity: 0 })).ok;
      if (!theirs) invalid++;
      if (ours !== theirs) disagreements.push(`${text} ignition-validate=${theirs} flint=${ours}`);
    }
    expect(disagreements).toEqual([]);
    // the generator must exercise both verdicts
    expect(invalid).toBeGreaterThan(30);
    expect(invalid).toBeLessThan(140);
  });
});
