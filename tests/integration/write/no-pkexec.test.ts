import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';

/**
 * An unprivileged user on a machine without pkexec (minimal servers, containers): writeImage must
 * say to run with sudo or install polkit, not "spawn pkexec ENOENT". The real writeImage runs as
 * user `nobody` with a PATH that holds only node, so pkexec cannot be found even where it is
 * installed; the target is an identity that does not exist, and nothing is opened before the
 * helper would start.
 */
const why = skipReason({ tools: ['setpriv'], root: true });
const ROOT = path.resolve(__dirname, '../../..');

describe.skipIf(why)('writing as a user without pkexec', () => {
  it('is WRITE_NO_ELEVATION_TOOL naming sudo and polkit', async () => {
    const bin = await mkdtemp(path.join(tmpdir(), 'flint-nopkexec-'));
    try {
      await chmod(bin, 0o755); // searchable by nobody
      await symlink(process.execPath, path.join(bin, 'node'));
      const setpriv = execFileSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).trim();
      const script =
        "const { writeImage } = await import('./electron/core/write/write-image.ts');" +
        "try { await writeImage({ image: '/nonexistent/flint.iso', plan: { imageSize: 1, writes: [] }, targets: [{ device: '/dev/flint-no-such-disk', size: 1, serial: '', model: '' }] }); }" +
        'catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, params: e.params })); }';
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          setpriv,
          [
            '--reuid=nobody',
            '--regid=nogroup',
            '--clear-groups',
            path.join(bin, 'node'),
            '--import',
            'tsx',
            '--input-type=module',
            '-e',
            script,
          ],
          { cwd: ROOT, env: { PATH: bin, HOME: '/nonexistent', TMPDIR: tmpdir() } },
          (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
        ),
      );
      expect(JSON.parse(out.trim())).toEqual({
        code: 'WRITE_NO_ELEVATION_TOOL',
        message:
          'writing needs administrator rights and pkexec is not installed: run the command with sudo, or install polkit (its pkexec command)',
        params: { tool: 'pkexec' },
      });
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
