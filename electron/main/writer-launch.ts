import { WRITER_SWITCH } from '../core/write/elevate';

/**
 * Whether this process was started as the writer helper: the packaged Flint.exe with
 * WRITER_SWITCH first (the UAC launch of electron/core/write/elevate.ts). Only packaged: in
 * development the helper runs under Node.
 */
export function isWriterLaunch(argv: string[], packaged: boolean): boolean {
  return packaged && argv[1] === WRITER_SWITCH;
}
