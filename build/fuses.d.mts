// Types of build/fuses.mjs (an electron-builder hook, plain JavaScript) for the tests.
export const FLINT_FUSES: Readonly<Record<string, boolean>>;
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { executableName?: string; appInfo: { productFilename: string } };
}
export function electronBinary(context: PackContext): string;
export default function afterPack(context: PackContext): Promise<Record<number, number | string>>;
