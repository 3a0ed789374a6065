import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { EMULATOR_ACCOUNT, type RecordedCall, TEST_CREDENTIALS } from '../../../emulator/ecr-emulator';
import type { KnownCredential } from '../../../emulator/sigv4-verifier';
import { HELPER_BIN, PROVIDER_BIN } from '../run-helper';
import { makeTempDir } from '../temp-dir';
import { type RunOptions, type RunResult, startNamespace } from './namespace';
import { type OciImage, writeOciLayout } from './oci-layout';
import { findProgram, SEARCH_PATH, SYSTEM_CA_BUNDLE } from './requirements';
import { createTestCa } from './test-ca';

/**
 * The registries the suite's clients use: ECR in us-east-1 by its IPv4 and its dual-stack
 * name, ECR in China, ECR Public.
 */
export const REGISTRY = `${EMULATOR_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
export const DUAL_STACK_REGISTRY = `${EMULATOR_ACCOUNT}.dkr-ecr.us-east-1.on.aws`;
export const CN_REGISTRY = `${EMULATOR_ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`;
export const PUBLIC_REGISTRY = 'public.ecr.aws';
/**
 * The AWS API hosts the helper finds by itself (the SDK's endpoint rules), all served by the
 * emulator, which records the name each call came by: the dual-stack ones too.
 */
const API_HOSTS = [
  'api.ecr.us-east-1.amazonaws.com',
  'ecr.us-east-1.api.aws',
  'sts.us-east-1.api.aws',
  'api.ecr.cn-north-1.amazonaws.com.cn',
  'api.ecr-public.us-east-1.amazonaws.com',
  'sts.amazonaws.com',
  'sts.us-east-1.amazonaws.com',
  'sts.cn-north-1.amazonaws.com.cn',
];
const REGISTRY_HOSTS = [REGISTRY, DUAL_STACK_REGISTRY, CN_REGISTRY, PUBLIC_REGISTRY];
const EMULATOR_ADDRESS = '127.0.0.1';
const REGISTRY_ADDRESS = '127.0.0.2';
/** The repository and tag the suite pushes, and the one file in its layer. */
export const REPOSITORY = 'e2e/hello';
export const TAG = '1';

const EMULATOR_SCRIPT = path.resolve(__dirname, '../../../dist/dev/ecr-emulator.js');

export interface World {
  /** The image in the OCI layout at `layoutDir`, not yet pushed. */
  readonly image: OciImage;
  readonly layoutDir: string;
  /** The password of every token the emulator issues, the one the registry's htpasswd holds. */
  readonly registryPassword: string;
  /**
   * skopeo's global options: the signature policy (accept anything: the images are the test's
   * own) and an empty registries.d, instead of /etc/containers.
   */
  readonly skopeoOptions: readonly string[];
  /**
   * A fresh HOME whose ~/.docker/config.json sends the four registries to `ecr-login`
   * (credHelpers); with `credHelpers: false`, a HOME with no client configuration at all.
   */
  newHome(options?: { credHelpers?: boolean }): string;
  /**
   * The environment of a client (skopeo, docker) and so of the helper it starts: the helper
   * on PATH as `docker-credential-ecr-login`, trust in the test CA, static keys, and no
   * endpoint override of any kind. `credential: null` gives no AWS keys at all; `ca: false`
   * leaves out the CA for the helper.
   */
  env(home: string, options?: { credential?: KnownCredential | null; ca?: boolean }): Record<string, string>;
  /** Runs a program inside the namespace. */
  run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult>;
  /** Clears the emulator's records (calls, issued tokens, trust). */
  reset(): Promise<void>;
  /** What the emulator recorded since the last reset. */
  calls(): Promise<RecordedCall[]>;
  /** A service account token from the emulator's OIDC provider, `roleArn` trusting its subject. */
  serviceAccountToken(subject: string, roleArn: string): Promise<string>;
}

/** One request to the emulator's control paths, over its Unix socket (it lives in another network). */
function control(socketPath: string, method: string, urlPath: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: urlPath, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`emulator ${method} ${urlPath}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`emulator ${method} ${urlPath}: no answer within 5 s`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function startWorld(dir: string): Promise<{ world: World; close: () => Promise<void> }> {
  if (!fs.existsSync(EMULATOR_SCRIPT)) throw new Error(`${EMULATOR_SCRIPT} is missing: run \`npm run build\``);
  const file = (name: string): string => path.join(dir, name);
  // A copy (the bundle is one file): a rebuild of dist/ while the suite runs does not pull it away.
  const emulatorScript = file('ecr-emulator.js');
  fs.copyFileSync(EMULATOR_SCRIPT, emulatorScript);
  const ca = createTestCa(dir, [...API_HOSTS, ...REGISTRY_HOSTS]);

  // ECR passwords are about 2 KB; bcrypt (htpasswd -B, the registry's only scheme) reads the
  // first 72 bytes of a password, so that is what the registry effectively checks.
  const registryPassword = randomBytes(1536).toString('base64');
  fs.writeFileSync(file('registry-password'), registryPassword, { mode: 0o600 });
  const htpasswd = execFileSync(findProgram('htpasswd') ?? 'htpasswd', ['-B', '-n', '-i', 'AWS'], {
    input: registryPassword.slice(0, 72),
    timeout: 10_000,
  });
  fs.writeFileSync(file('htpasswd'), htpasswd);
  // JSON is YAML: the registry reads this as its config.yml.
  fs.mkdirSync(file('registry-data'));
  fs.writeFileSync(
    file('registry.yml'),
    JSON.stringify({
      version: 0.1,
      log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: file('registry-data') }, maintenance: { uploadpurging: { enabled: false } } },
      http: { addr: `${REGISTRY_ADDRESS}:443`, tls: { certificate: ca.certFile, key: ca.keyFile } },
      auth: { htpasswd: { realm: 'ecr-login-e2e', path: file('htpasswd') } },
    }),
  );

  const hosts = [
    '127.0.0.1 localhost',
    ...API_HOSTS.map((h) => `${EMULATOR_ADDRESS} ${h}`),
    ...REGISTRY_HOSTS.map((h) => `${REGISTRY_ADDRESS} ${h}`),
    '',
  ];
  fs.writeFileSync(file('hosts'), hosts.join('\n'));
  // Go programs (skopeo, docker, the registry) trust the system bundle: the machine's, plus the test CA.
  fs.writeFileSync(file('ca-bundle.crt'), Buffer.concat([fs.readFileSync(SYSTEM_CA_BUNDLE), fs.readFileSync(ca.caFile)]));
  fs.writeFileSync(file('policy.json'), JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  // skopeo's registry and engine configuration, instead of what /etc/containers holds on this
  // machine (podman's packages put mirrors and search lists there): no mirrors, no short names.
  fs.writeFileSync(file('registries.conf'), 'unqualified-search-registries = []\n');
  fs.writeFileSync(file('containers.conf'), '');
  fs.mkdirSync(file('registries.d'));

  // The helper as clients find it: on PATH, under its own names, whichever build is under test;
  // and `node` for the Node entry's launcher. Only that directory comes before the machine's
  // standard ones: Node's own directory (/usr/bin for Debian's node) would bring whatever else
  // is there ahead of /usr/local/bin (Debian's docker 20.10 ahead of a current docker, say).
  const shims = file('bin');
  fs.mkdirSync(shims);
  fs.symlinkSync(HELPER_BIN, path.join(shims, 'docker-credential-ecr-login'));
  fs.symlinkSync(PROVIDER_BIN, path.join(shims, 'ecr-credential-provider'));
  fs.symlinkSync(process.execPath, path.join(shims, 'node'));
  const PATH = [shims, ...SEARCH_PATH].join(':');

  const layoutDir = file('oci');
  const image = writeOciLayout(layoutDir, TAG, { 'hello.txt': 'hello from the ecr-login end-to-end suite\n' });

  const ns = await startNamespace({
    binds: [
      { source: file('hosts'), target: '/etc/hosts' },
      { source: file('ca-bundle.crt'), target: SYSTEM_CA_BUNDLE },
    ],
    // skopeo keeps a blob cache in /var/lib/containers when root; here it cannot, and keeps it in memory.
    readOnly: ['/var/lib'],
    timeoutMs: 10_000,
  });
  try {
    const socket = file('emulator.sock');
    const emulator = ns.startServer(
      'the emulator',
      process.execPath,
      [
        emulatorScript,
        '--listen',
        `${EMULATOR_ADDRESS}:443`,
        '--tls-cert',
        ca.certFile,
        '--tls-key',
        ca.keyFile,
        '--registry-password-file',
        file('registry-password'),
        '--control-socket',
        socket,
      ],
      { env: { PATH }, readyWhen: /"url":"https:\/\/127\.0\.0\.1:443"/, timeoutMs: 15_000 },
    );
    const registry = ns.startServer(
      'docker-registry',
      findProgram('docker-registry') ?? 'docker-registry',
      ['serve', file('registry.yml')],
      {
        env: { PATH },
        readyWhen: /listening on 127\.0\.0\.2:443/,
        timeoutMs: 15_000,
      },
    );
    await Promise.all([emulator, registry]);

    let homes = 0;
    const world: World = {
      image,
      layoutDir,
      registryPassword,
      skopeoOptions: ['--policy', file('policy.json'), '--registries.d', file('registries.d')],
      newHome(options = {}) {
        const home = file(`home-${++homes}`);
        fs.mkdirSync(path.join(home, 'run'), { recursive: true, mode: 0o700 });
        if (options.credHelpers !== false) {
          fs.mkdirSync(path.join(home, '.docker'), { mode: 0o700 });
          const credHelpers = Object.fromEntries(REGISTRY_HOSTS.map((h) => [h, 'ecr-login']));
          fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers }, null, 2));
        }
        return home;
      },
      env(home, options = {}) {
        const credential = options.credential === undefined ? TEST_CREDENTIALS.allowed : options.credential;
        return {
          PATH,
          HOME: home,
          // containers/image looks for auth.json here first; an empty directory of the test's.
          XDG_RUNTIME_DIR: path.join(home, 'run'),
          CONTAINERS_REGISTRIES_CONF: file('registries.conf'),
          CONTAINERS_CONF: file('containers.conf'),
          TMPDIR: home,
          ...(options.ca === false ? {} : { NODE_EXTRA_CA_CERTS: ca.caFile }),
          ...(credential ? { AWS_ACCESS_KEY_ID: credential.accessKeyId, AWS_SECRET_ACCESS_KEY: credential.secretAccessKey } : {}),
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        };
      },
      run: (command, args, options) => ns.run(command, args, options),
      async reset() {
        await control(socket, 'POST', '/_emulator/reset');
      },
      async calls() {
        const answer = (await control(socket, 'GET', '/_emulator/calls')) as { calls: RecordedCall[] };
        return answer.calls;
      },
      async serviceAccountToken(subject, roleArn) {
        const answer = (await control(socket, 'POST', '/_emulator/service-account', { subject, roleArn })) as { token: string };
        return answer.token;
      },
    };
    return { world, close: () => ns.close() };
  } catch (error) {
    await ns.close();
    throw error;
  }
}

/**
 * The suite's world, started once per test file: a private network namespace where the real
 * AWS API names lead to the emulator (HTTPS, a test CA) and the registry names to a real
 * `docker-registry` with htpasswd auth, both on port 443. The emulator's records are cleared
 * before each test; everything is stopped after the file.
 */
export function useWorld(): () => World {
  let started: { world: World; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    started = await startWorld(makeTempDir('ecr-login-e2e-'));
  }, 60_000);
  afterAll(async () => {
    await started?.close();
  }, 15_000);
  beforeEach(async () => {
    await started?.world.reset();
  });
  return () => {
    if (!started) throw new Error('the end-to-end world did not start (see the beforeAll error)');
    return started.world;
  };
}
