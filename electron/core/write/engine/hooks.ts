/**
 * Test hooks of the writer, honoured only when FLINT_TEST_HOOKS=1 (tests set it; the app never
 * does, and pkexec clears the environment of an elevated helper). They make failures that a loop
 * device cannot produce on its own happen at a chosen moment (native/README.md lists them).
 */

/** The value of a test hook variable, or undefined when hooks are off or it is unset. */
export function testHook(name: string): string | undefined {
  return process.env.FLINT_TEST_HOOKS === '1' ? process.env[name] : undefined;
}

/** A numeric test hook (undefined when unset or not a number). */
export function numericHook(name: string): number | undefined {
  const v = testHook(name);
  if (v === undefined || v === '' || !Number.isFinite(Number(v))) return undefined;
  return Number(v);
}

/** Sleeps `ms` or until `signal` aborts, whichever comes first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
