import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { itWithSymlinks } from '../helpers/platform';
import { withPreload } from '../helpers/preload/env';
import {
  describeNodeOnly,
  HELPER_BIN,
  HELPER_COMMAND,
  PROVIDER_BIN,
  PROVIDER_COMMAND,
  RUNTIME,
  runHelper,
  startHelper,
} from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';
import { ECR_API_HOST, startTlsRoute } from '../helpers/tls-route';
import { waitFor } from '../helpers/wait-for';

const HOST = '123456789012.dkr.ecr.eu-north-1.amazonaws.com';
const BARE_HIT = path.resolve(__dirname, '../../scripts/bare-hit.js');
const HOUR = 3600_000;

const emulator = useEmulator();

/** Runs the helper with a preload that records every module it require()s. */
async function modulesLoadedBy(args: string[], input: string, env: Record<string, string>): Promise<string[]> {
  const dir = makeTempDir();
  const log = path.join(dir, 'loaded.txt');
  const preload = path.join(dir, 'trace.js');
  fs.writeFileSync(
    preload,
    `const M=require('module');const seen=[];const orig=M._load;M._load=function(r,p,m){seen.push(r);return orig.apply(this,arguments)};process.on('exit',()=>require('fs').writeFileSync(${JSON.stringify(log)},seen.join('\\n')));`,
  );
  const out = await startHelper(args, input, env, [process.execPath, '--require', preload, HELPER_BIN]).result;
  expect(out.code).toBe(0);
  return fs.readFileSync(log, 'utf8').split('\n');
}

describeNodeOnly(
  'the cache-hit path stays light',
  'it traces require() of the Node bundle; the executable has its chunks compiled in, and `npm run bench` times its hits',
  () => {
    it('a hit loads neither the AWS SDK, nor commander, nor the lock library, nor the deferred or a command bundle', async () => {
      const env = { HOME: makeTempDir(), ...emulator.env() };
      expect((await runHelper(['get'], HOST, env)).code).toBe(0);
      const onMiss = await modulesLoadedBy(['get'], '123456789012.dkr.ecr.eu-west-3.amazonaws.com', env);
      expect(onMiss).toEqual(expect.arrayContaining(['./deferred.js', './vendor-aws-sdk.js', './vendor-proper-lockfile.js']));
      const onHit = await modulesLoadedBy(['get'], HOST, env);
      const heavy = onHit.filter((m) => /vendor-|cli-|deferred|@aws-sdk|commander|proper-lockfile/.test(m));
      expect(heavy).toEqual([]);
      // What the command bundles are for: each loads when its command runs.
      expect(await modulesLoadedBy(['--version'], '', env)).toContain('./cli-commands.js');
      expect(await modulesLoadedBy(['configure', '--registry', HOST, '--dry-run'], '', env)).toContain('./cli-configure.js');
    });

    it("the bench's bare hit (scripts/bare-hit.js) answers what the helper's hit answers, from the helper's cache", async () => {
      const env = { HOME: makeTempDir(), ...emulator.env() };
      expect((await runHelper(['get'], HOST, env)).code).toBe(0);
      const hit = await runHelper(['get'], HOST, env);
      const bare = await startHelper(['get'], HOST, env, [process.execPath, BARE_HIT]).result;
      expect({ code: bare.code, stderr: bare.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(bare.stdout)).toEqual(JSON.parse(hit.stdout));
      // A host with no entry is not answered from another's.
      expect((await startHelper(['get'], 'x.example', env, [process.execPath, BARE_HIT]).result).code).toBe(1);
    });

    it('a cold get loads the SDK chunk but not node:http2, which the SDK requires only for a handler never used here', async () => {
      const onMiss = await modulesLoadedBy(['get'], HOST, { HOME: makeTempDir(), ...emulator.env() });
      expect(onMiss).toContain('./vendor-aws-sdk.js');
      expect(onMiss.filter((m) => /http2/.test(m))).toEqual([]);
    });
  },
);

/** The Node modules a hit must not load: each costs Bun ~1–4 ms to build, and Node some too. */
const NETWORK_AND_PROCESSES = ['node:http', 'node:https', 'node:child_process', 'node:worker_threads'] as const;

/**
 * Names only a loaded module brings into a Bun heap: its exports. (Bun's node:https is built on
 * node:http, so that loads too.) A control run below proves each shows when its module loads.
 */
const BUN_MARKERS: Record<(typeof NETWORK_AND_PROCESSES)[number], readonly string[]> = {
  'node:http': ['ClientRequest', 'validateHeaderName'],
  'node:https': ['ClientRequest', 'validateHeaderName'],
  'node:child_process': ['spawnSync', 'execFileSync'],
  'node:worker_threads': ['receiveMessageOnPort', 'markAsUntransferable'],
};

/**
 * Which of `NETWORK_AND_PROCESSES` a run of the build under test loaded. Node: its own list of
 * the built-in modules it loaded (`process.moduleLoadList`), recorded by a `--require` preload.
 * The executable: Bun runs a preload named in `BUN_OPTIONS` (as any Bun program does), which
 * writes the names in the heap at exit; a module counts as loaded when its markers are there.
 * `load`: modules the preload loads first (the control run).
 */
async function networkModulesLoadedBy(
  command: readonly string[],
  args: string[],
  input: string,
  env: Record<string, string>,
  load: readonly string[] = [],
): Promise<string[]> {
  const dir = makeTempDir();
  const log = path.join(dir, 'names.json');
  const preload = path.join(dir, 'trace.js');
  const names =
    RUNTIME === 'node'
      ? 'process.moduleLoadList.map((m) => m.replace(/^NativeModule /, "node:"))'
      : '(() => { const s = Bun.generateHeapSnapshot(); return [...new Set([...(s.edgeNames ?? []), ...(s.nodeClassNames ?? [])])]; })()';
  // A background refresher the run starts inherits BUN_OPTIONS: it must not write over the run's names.
  fs.writeFileSync(
    preload,
    `for (const m of ${JSON.stringify(load)}) require(m);\nif (!process.argv.includes('__refresh-token')) process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(log)}, JSON.stringify(${names})));\n`,
  );
  const [file = '', ...rest] = command;
  const traced = RUNTIME === 'node' ? [file, '--require', preload, ...rest] : command;
  const out = await startHelper(args, input, RUNTIME === 'node' ? env : { ...env, BUN_OPTIONS: `--preload=${preload}` }, traced).result;
  expect(out.code).toBe(0);
  const seen = new Set(JSON.parse(fs.readFileSync(log, 'utf8')) as string[]);
  return NETWORK_AND_PROCESSES.filter((m) => (RUNTIME === 'node' ? seen.has(m) : BUN_MARKERS[m].every((name) => seen.has(name))));
}

describe(`a cache hit loads no network or process module (${RUNTIME})`, () => {
  const kubeletRequest = JSON.stringify({
    kind: 'CredentialProviderRequest',
    apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
    image: `${HOST}/team/app`,
  });

  it('the tracer sees each of them when it is loaded', async () => {
    const env = { HOME: makeTempDir() };
    expect(await networkModulesLoadedBy(HELPER_COMMAND, ['version'], '', env)).toEqual([]);
    for (const module of NETWORK_AND_PROCESSES) {
      expect(await networkModulesLoadedBy(HELPER_COMMAND, ['version'], '', env, [module])).toContain(module);
    }
  });

  it('neither a docker get nor a kubelet request loads node:http(s), child_process or worker_threads; a miss of the executable neither', async () => {
    const env = { HOME: makeTempDir(), ...emulator.env() };
    // The miss fetches the token: on Node through the SDK's Node HTTP stack; the executable with
    // Bun's own fetch when no proxy is configured (node:http costs Bun ~4 ms to load).
    expect(await networkModulesLoadedBy(HELPER_COMMAND, ['get'], HOST, env)).toEqual(
      RUNTIME === 'node' ? expect.arrayContaining(['node:http', 'node:https']) : [],
    );
    expect(await networkModulesLoadedBy(HELPER_COMMAND, ['get'], HOST, env)).toEqual([]);
    expect(await networkModulesLoadedBy(PROVIDER_COMMAND, [], kubeletRequest, env)).toEqual([]);
    expect(emulator.calls).toHaveLength(1);
  });

  it('a miss with a proxy variable set takes the Node stack (its CONNECT agent), in the executable too', async () => {
    // Bun's fetch would follow HTTP(S)_PROXY and NO_PROXY by rules of its own (create-request-handler.ts).
    const route = await startTlsRoute(makeTempDir());
    try {
      const tunnelled = { HOME: makeTempDir(), ...route.keysEnv(), HTTPS_PROXY: route.proxy.url, NODE_EXTRA_CA_CERTS: route.caFile };
      const throughProxy = await networkModulesLoadedBy(HELPER_COMMAND, ['get'], '123456789012.dkr.ecr.us-east-1.amazonaws.com', tunnelled);
      expect(route.proxy.tunnels).toEqual([`${ECR_API_HOST}:443`]);
      expect(throughProxy).toEqual(expect.arrayContaining(['node:http', 'node:https']));
    } finally {
      await route.close();
    }
  });

  it('a get past half-life loads node:child_process to start its refresher, and no network module: the refresher fetches', async () => {
    const home = makeTempDir();
    // The token is fetched 7 hours in the past; the traced get runs on the real clock.
    emulator.faults.clockOffsetMs = -7 * HOUR;
    const past = withPreload({ HOME: home, ...emulator.env() }, 'shift-clock', { TEST_CLOCK_OFFSET_MS: String(-7 * HOUR) });
    expect((await runHelper(['get'], HOST, past)).code).toBe(0);
    emulator.faults.clockOffsetMs = 0;
    const env = { HOME: home, ...emulator.env() };
    expect(await networkModulesLoadedBy(HELPER_COMMAND, ['get'], HOST, env)).toEqual(['node:child_process']);
    const log = path.join(home, '.ecr', 'log', 'ecr-login.log');
    await waitFor(
      () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('refreshed the token for'),
      20_000,
      'the refresher to store the new token',
    );
    expect(emulator.calls.filter((c) => c.action === 'GetAuthorizationToken')).toHaveLength(2);
  });
});

describeNodeOnly('the launcher', 'it tests the bin/ launcher of the npm package', () => {
  it('in a checkout that was never built, says what to run instead of crashing', async () => {
    const checkout = makeTempDir();
    fs.mkdirSync(path.join(checkout, 'bin'));
    fs.copyFileSync(HELPER_BIN, path.join(checkout, 'bin', 'docker-credential-ecr-login'));
    const out = await startHelper(['get'], 'public.ecr.aws', { HOME: checkout }, [
      process.execPath,
      path.join(checkout, 'bin', 'docker-credential-ecr-login'),
    ]).result;
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('credentials not found in native keychain\n');
    expect(out.stderr).toBe(`ecr-login: not built: run \`npm ci && npm run build\` in ${checkout}\n`);
  });
});

describeNodeOnly('the provider launcher', 'it tests the bin/ launcher of the npm package (executable.test.ts tests its links)', () => {
  it('copied alone into a bin dir, says to link it instead of crashing', async () => {
    const binDir = makeTempDir();
    fs.copyFileSync(PROVIDER_BIN, path.join(binDir, 'ecr-credential-provider'));
    const out = await startHelper([], '', { HOME: binDir }, [process.execPath, path.join(binDir, 'ecr-credential-provider')]).result;
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `ecr-credential-provider: docker-credential-ecr-login is not beside ${path.join(binDir, 'ecr-credential-provider')}: link this file (ln -s) instead of copying it, or copy the whole package\n`,
    });
  });

  itWithSymlinks('linked into a bin dir, answers kubelet', async () => {
    const binDir = makeTempDir();
    fs.symlinkSync(PROVIDER_BIN, path.join(binDir, 'ecr-credential-provider'));
    const out = await startHelper([], '{}', { HOME: binDir }, [process.execPath, path.join(binDir, 'ecr-credential-provider')]).result;
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'ecr-credential-provider: invalid CredentialProviderRequest: kind is "", expected "CredentialProviderRequest"\n',
    });
  });
});
