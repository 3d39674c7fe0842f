import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';

/**
 * With no network at all (a fresh network namespace from `unshare -n`: no interface up, so no
 * DNS), the core reports NETWORK_UNREACHABLE with the host as a parameter and the CLI words it,
 * never a raw "ENOTFOUND"/"EAI_AGAIN". The namespace goes away with the process.
 */
const why = skipReason({ tools: ['unshare'], root: true });
const ROOT = path.resolve(__dirname, '../../..');
const CLEAN_ENV = { ...process.env, HTTPS_PROXY: '', https_proxy: '', HTTP_PROXY: '', http_proxy: '', ALL_PROXY: '', all_proxy: '' };

function offline(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('unshare', ['-n', process.execPath, ...args], { cwd: ROOT, env: CLEAN_ENV }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(why)('without a network', () => {
  it('the core error is NETWORK_UNREACHABLE with the host; the CLI says what to do', async () => {
    const script =
      "const { fetchStreamMetadata } = await import('./electron/core/stream/metadata.ts');" +
      "const { toErrorValue } = await import('./electron/core/errors.ts');" +
      "try { await fetchStreamMetadata('stable', { retryDelayMs: 10 }); } catch (e) { console.log(JSON.stringify(toErrorValue(e))); }";
    const core = await offline(['--import', 'tsx', '--input-type=module', '-e', script]);
    const value = JSON.parse(core.stdout.trim());
    expect(value).toMatchObject({
      code: 'NETWORK_UNREACHABLE',
      message: 'Cannot reach builds.coreos.fedoraproject.org: no network or DNS',
      params: { host: 'builds.coreos.fedoraproject.org' },
    });
    const cli = await offline([path.join(ROOT, 'bin/flint.mjs'), 'streams']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toBe(
      'Error: cannot reach builds.coreos.fedoraproject.org: no network or DNS; set --base-url to a site mirror or --proxy\n',
    );
    expect(cli.stderr).not.toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});
