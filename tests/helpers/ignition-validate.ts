import { execFile } from 'node:child_process';

/** What Debian's `ignition-validate` said about a config file. */
export interface IgnitionVerdict {
  /** Exit status 0 (valid, maybe with warnings) rather than 1 (invalid). */
  ok: boolean;
  /** Everything it printed, stdout then stderr. */
  output: string;
}

/**
 * Runs `ignition-validate FILE`, the outside judge of the Ignition tests. Any outcome other than
 * exit 0 or 1 (missing tool, crash) rejects.
 */
export function ignitionValidate(file: string): Promise<IgnitionVerdict> {
  return new Promise((resolve, reject) => {
    execFile('ignition-validate', [file], (err, stdout, stderr) => {
      const output = stdout + stderr;
      if (!err) resolve({ ok: true, output });
      else if (err.code === 1) resolve({ ok: false, output });
      else reject(err);
    });
  });
}
