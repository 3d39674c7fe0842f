/**
 * drivelist's addon, built from source by `npm ci` (.ci/run forces the source build), loads on
 * this Node the way Flint loads it (electron/core/drives/drivelist.ts, without drivelist's
 * JavaScript) and answers. On Linux the addon lists nothing (its src/linux/list.cpp; drivelist's
 * JavaScript runs lsblk there): loading and calling it proves the native build works.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonCandidates, drivelistProblem, listWithDrivelist, loadDrivelist } from '../../../electron/core/drives/drivelist';
import { skipReason } from '../../helpers/requirements';

const built = join(__dirname, '..', '..', '..', 'node_modules', 'drivelist', 'build', 'Release', 'drivelist.node');
const why = skipReason({ files: [built] });

describe.skipIf(why)("drivelist's native addon", () => {
  it('is found where npm ci built it, loads and lists', async () => {
    expect(addonCandidates()).toContain(built);
    const addon = loadDrivelist();
    expect(drivelistProblem()).toBeNull();
    expect(addon).not.toBeNull();
    const drives = await listWithDrivelist(addon);
    expect(drives).toEqual(process.platform === 'linux' ? [] : expect.any(Array));
  });
});

describe('without the addon', () => {
  it('says why, and the readers classify alone', async () => {
    // a fresh module instance: the loaded addon is cached per instance
    const mod = await import('../../../electron/core/drives/drivelist?missing' as string);
    expect(mod.loadDrivelist(['/nonexistent/drivelist.node'])).toBeNull();
    expect(mod.drivelistProblem()).toMatch(/not built/);
    expect(await mod.listWithDrivelist(null)).toBeNull();
  });
});
