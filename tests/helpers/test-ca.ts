import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throw-away certificate authority and a server certificate it signed, in PEM. */
export interface TestCa {
  /** The CA certificate (what a client trusts). */
  caCert: string;
  /** The server's key and certificate (for 127.0.0.1 and localhost). */
  key: string;
  cert: string;
  /** The CA certificate as a file (for NODE_EXTRA_CA_CERTS); removed by `cleanup`. */
  caFile: string;
  cleanup(): void;
}

/**
 * Makes a test CA with openssl (EC P-256, valid one day) and a server certificate for
 * 127.0.0.1/localhost signed by it. Nothing is installed system-wide: a client trusts it through
 * an option or NODE_EXTRA_CA_CERTS for its own process.
 */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'flint-test-ca-'));
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('ca.key'));
    ssl('req', '-x509', '-new', '-key', f('ca.key'), '-sha256', '-days', '1', '-subj', '/CN=Flint test CA', '-out', f('ca.pem'));
    ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('server.key'));
    ssl('req', '-new', '-key', f('server.key'), '-subj', '/CN=127.0.0.1', '-out', f('server.csr'));
    writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    ssl(
      'x509',
      '-req',
      '-in',
      f('server.csr'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-sha256',
      '-extfile',
      f('ext.cnf'),
      '-out',
      f('server.pem'),
    );
    return {
      caCert: readFileSync(f('ca.pem'), 'utf8'),
      key: readFileSync(f('server.key'), 'utf8'),
      cert: readFileSync(f('server.pem'), 'utf8'),
      caFile: f('ca.pem'),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
