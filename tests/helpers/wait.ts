/**
 * Resolves as soon as `check()` holds, for state that announces no event (a mock's call list, a
 * store): it re-checks every few milliseconds and fails after `timeoutMs` naming `what`. Prefer
 * awaiting the event itself where there is one (a promise, an `on(...)` callback, output text).
 */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
