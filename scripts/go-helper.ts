/**
 * The Go helper (awslabs/amazon-ecr-credential-helper) as `npm run bench` runs it beside ours:
 * where it is, how it reaches the emulator, and its cache file for when it cannot.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTlsRoute, type TlsRoute } from '../__tests__/helpers/tls-route';
import { TEST_CREDENTIALS } from '../emulator/ecr-emulator';

/** Names the Go helper to measure, instead of looking for it on PATH. */
export const GO_HELPER_VARIABLE = 'BENCH_GO_HELPER';
const PROGRAM = 'docker-credential-ecr-login';

export interface GoHelper {
  readonly file: string;
  /** As its `-v` says it, `0.6.0`. */
  readonly version: string;
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The version of the Go helper at `file`, by its `-v` banner (`amazon-ecr-credential-helper\nVersion: 0.6.0`); undefined if it is not one. */
function goHelperVersion(file: string): string | undefined {
  const run = spawnSync(file, ['-v'], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH ?? '' } });
  if (run.status !== 0 || !run.stdout.startsWith('amazon-ecr-credential-helper')) return undefined;
  return /Version:\s*(\S+)/.exec(run.stdout)?.[1] ?? 'unknown';
}

/**
 * The Go helper named by BENCH_GO_HELPER, or else the first `docker-credential-ecr-login` on
 * PATH that is the Go helper: not in this project (bin/, node_modules/.bin, dist/ hold ours,
 * and npm puts node_modules/.bin first on PATH), and answering `-v` with Go's banner (which
 * ours, installed globally, does not). `{ missing }` says why there is none.
 */
export function findGoHelper(root: string, env: NodeJS.ProcessEnv = process.env): GoHelper | { missing: string } {
  const named = env[GO_HELPER_VARIABLE];
  if (named) {
    const version = goHelperVersion(named);
    return version
      ? { file: named, version }
      : { missing: `${GO_HELPER_VARIABLE}=${named} is not the Go helper (its -v does not say amazon-ecr-credential-helper)` };
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, PROGRAM);
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch {
      continue;
    }
    if (isInside(root, path.resolve(dir)) || isInside(root, real)) continue;
    const version = goHelperVersion(real);
    if (version) return { file, version };
  }
  return { missing: `no Go helper (awslabs/amazon-ecr-credential-helper) on PATH, nor named by ${GO_HELPER_VARIABLE}` };
}

/** How the Go helper reaches an emulator of its own, and that emulator. */
export interface GoRoute extends TlsRoute {
  /** What a run needs besides HOME and PATH: the proxy, trust in the CA, the emulator's keys. */
  readonly env: Record<string, string>;
}

/**
 * The Go helper 0.6.0 has no endpoint setting: it calls https://api.ecr.<region>.amazonaws.com.
 * So it gets what /etc/hosts and a trusted CA would give it, without touching either: an
 * emulator serving TLS with a certificate for that name from a throwaway CA (openssl),
 * AWS_CA_BUNDLE naming the CA (the SDK for Go v2 adds it to its client's roots; Debian's
 * 0.6.0 build answered SSL_CERT_FILE with "x509: certificate signed by unknown authority"),
 * and HTTPS_PROXY naming a CONNECT proxy that leads every tunnel to that emulator (the SDK's
 * client takes its proxy from the environment). Its cold
 * gets therefore pay a TLS handshake and a proxy hop that ours, over plain HTTP to 127.0.0.1,
 * do not. Throws when openssl is missing.
 */
export async function startGoRoute(dir: string): Promise<GoRoute> {
  const route = await startTlsRoute(dir);
  return { ...route, env: { HTTPS_PROXY: route.proxy.url, AWS_CA_BUNDLE: route.caFile, ...route.keysEnv() } };
}

/**
 * A fresh token for `registryId` in us-east-1 in the Go helper's cache (~/.ecr/cache.json
 * under `home`), as 0.6.0 writes it (ecr-login/cache/file.go, build.go): the key is the
 * region, a "checksum" of the access key id — `md5.New().Sum([]byte(id))`, which appends
 * the MD5 of nothing to the id rather than hashing it — and the registry id. For a hit when
 * the helper cannot reach the emulator.
 */
export function writeGoHelperCache(home: string, registryId: string, nowMs: number): void {
  const checksum = Buffer.concat([Buffer.from(TEST_CREDENTIALS.allowed.accessKeyId), createHash('md5').digest()]).toString('base64');
  const entry = {
    AuthorizationToken: Buffer.from('AWS:bench-password').toString('base64'),
    RequestedAt: new Date(nowMs).toISOString(),
    ExpiresAt: new Date(nowMs + 12 * 3600_000).toISOString(),
    ProxyEndpoint: `https://${registryId}.dkr.ecr.us-east-1.amazonaws.com`,
    Service: 'ecr',
  };
  const dir = path.join(home, '.ecr');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(dir, 'cache.json'),
    JSON.stringify({ Registries: { [`us-east-1-${checksum}-${registryId}`]: entry }, Version: '1.0' }, null, 2),
  );
}
