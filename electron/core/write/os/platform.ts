/** Picks the per-OS steps of the writer (./ops.ts) for a platform. */
import { ERROR_CODES } from '../../../contract/error-codes';
import { codedError } from '../../errors';
import { darwinOps } from './darwin';
import { linuxOps } from './linux';
import type { PlatformOps } from './ops';
import { win32Ops } from './win32';

export type { PlatformOps } from './ops';

/** The ops of a platform. */
export function platformOps(platform = process.platform): PlatformOps {
  if (platform === 'linux') return linuxOps;
  if (platform === 'darwin') return darwinOps;
  if (platform === 'win32') return win32Ops;
  throw codedError(ERROR_CODES.WRITE_UNSUPPORTED_PLATFORM, { platform }, `writing drives is not supported on ${platform}`);
}
