import { expect } from 'vitest';
import { FlintError } from '../../electron/core/errors';

/** Awaits `p`, which must reject with a FlintError, and returns that error for the test to inspect. */
export async function failure(p: Promise<unknown>): Promise<FlintError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FlintError);
  return err as FlintError;
}
