// Types of bin/start.mjs (plain JavaScript: it runs before anything is built) for the tests.
export function installedElectron(pkgDir: string, env?: NodeJS.ProcessEnv): string | null;
export function downloadError(output: string): string;
export function desktopPlan(o: {
  platform?: NodeJS.Platform;
  uid?: number;
  env?: NodeJS.ProcessEnv;
  electronDir: string | undefined;
  download: (pkgDir: string) => string;
}): { electron: string; reason?: undefined } | { reason: string; electron?: undefined };
