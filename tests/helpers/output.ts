import type { ChildProcess } from 'node:child_process';

/** The text a child process prints on one stream, and a way to await a line of it. */
export interface Output {
  /** Everything printed so far. */
  readonly text: string;
  /** Resolves with the first match of `re` in the text (already printed or still to come). */
  match(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/**
 * Collects what `child` prints on `stream`. `match` resolves on the data event that completes a
 * match and rejects, with everything printed, when the process ends first or `timeoutMs` passes.
 */
export function outputOf(child: ChildProcess, stream: 'stdout' | 'stderr'): Output {
  let text = '';
  let ended = false;
  const waiters = new Set<() => void>();
  const source = child[stream];
  if (!source) throw new Error(`the child's ${stream} is not a pipe`);
  source.setEncoding('utf8');
  source.on('data', (d: string) => {
    text += d;
    for (const w of [...waiters]) w();
  });
  child.once('close', () => {
    ended = true;
    for (const w of [...waiters]) w();
  });
  return {
    get text() {
      return text;
    },
    match(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${re} on ${stream} within ${timeoutMs} ms; it printed: ${text}`)), timeoutMs);
        const finish = (err: Error | null, m?: RegExpExecArray) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve(m!);
        };
        const check = () => {
          const m = re.exec(text);
          if (m) finish(null, m);
          else if (ended) finish(new Error(`the process ended without printing ${re} on ${stream}; it printed: ${text}`));
        };
        waiters.add(check);
        check();
      });
    },
  };
}
