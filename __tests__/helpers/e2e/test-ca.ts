import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findProgram } from './requirements';

export interface TestCa {
  /** The CA certificate (PEM): what clients must trust. */
  readonly caFile: string;
  /** A server certificate for every name in `hostNames`, signed by the CA, and its key. */
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * A throwaway certificate authority and one server certificate for `hostNames` (made with the
 * openssl CLI, P-256 keys, valid for two days), written into `dir`. The CA's key stays in
 * `dir` too and dies with it.
 */
export function createTestCa(dir: string, hostNames: readonly string[]): TestCa {
  const file = (name: string): string => path.join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync(findProgram('openssl') ?? 'openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=ecr-login end-to-end test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl('req', '-new', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${hostNames[0]}`);
  fs.writeFileSync(
    file('server.ext'),
    [
      `subjectAltName=${hostNames.map((h) => `DNS:${h}`).join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
  );
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}
