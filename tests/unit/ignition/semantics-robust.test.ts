/**
 * The semantic rules run even on configs that already fail the schema (so one pass reports every
 * error): every entry of a full config replaced in turn by a value of the wrong type must give
 * issues, never an exception.
 */
import { describe, expect, it } from 'vitest';
import { liveBootIssues } from '../../../electron/core/ignition/lint';
import { semanticIssues } from '../../../electron/core/ignition/semantics';

const FULL = {
  ignition: {
    version: '3.4.0',
    proxy: { httpProxy: 'http://p:3128', httpsProxy: 'http://p:3128' },
    config: { merge: [{ source: 'http://a/x.ign' }], replace: { source: 'https://a/y.ign' } },
    security: { tls: { certificateAuthorities: [{ source: 'data:,x' }] } },
  },
  storage: {
    files: [
      {
        path: '/a',
        mode: 420,
        contents: { source: 'http://x', verification: { hash: 'sha512-00' }, httpHeaders: [{ name: 'a', value: 'b' }] },
        append: [{ source: 'data:,y' }],
      },
    ],
    directories: [{ path: '/d', mode: 493 }],
    links: [{ path: '/l', target: '/x' }],
    disks: [{ device: '/dev/sdb', partitions: [{ number: 1, label: 'x', shouldExist: false, typeGuid: 'x' }] }],
    raid: [{ name: 'r', level: 'raid1', devices: ['/dev/a'] }],
    luks: [
      {
        name: 'l',
        device: '/dev/x',
        keyFile: { source: 'data:,k' },
        clevis: { tang: [{ url: 'http://t', thumbprint: 'a', advertisement: '{}' }], custom: { pin: 'tpm2' }, tpm2: true, threshold: 1 },
      },
    ],
    filesystems: [{ device: '/dev/x', format: 'xfs', path: '/var', label: 'x', wipeFilesystem: true }],
  },
  systemd: { units: [{ name: 'a.service', dropins: [{ name: 'x.conf' }] }] },
  passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['a'], groups: ['x'] }], groups: [{ name: 'g' }] },
  kernelArguments: { shouldExist: ['a'], shouldNotExist: ['b'] },
};

const WRONG: unknown[] = [null, 5, 'x', true, [], {}, [1, 'a', null, {}], { a: 1 }];

function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v && typeof v === 'object')
    for (const k of Object.keys(v)) {
      const p = [...at, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      paths((v as Record<string, unknown>)[k], p, out);
    }
  return out;
}

describe('semantic rules on wrongly typed configs', () => {
  it('never throw', () => {
    let runs = 0;
    for (const p of paths(FULL))
      for (const wrong of WRONG) {
        const c = structuredClone(FULL) as Record<string, unknown>;
        let parent = c as Record<string | number, unknown>;
        for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
        parent[p[p.length - 1]!] = wrong;
        expect(() => semanticIssues(c, '3.4.0')).not.toThrow();
        expect(() => liveBootIssues(c)).not.toThrow();
        runs++;
      }
    expect(runs).toBeGreaterThan(500);
  });
});
