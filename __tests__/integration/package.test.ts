import { execFileSync, execSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { COMPILE_TARGETS, type CompileTarget, parseCompileTarget } from '../../scripts/compile-targets';

/*
 * What `npm run build` and `npm pack` produce (the build ran in `pretest`): each module in one
 * bundle only, only run-time files in the package, and `dependencies` naming exactly what the
 * bundles load from node_modules.
 */

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  bin: Record<string, string>;
};

/** The bundles users run: dist/*.js (dist/dev/ holds the developer tools). */
const shipped = fs
  .readdirSync(DIST)
  .filter((f) => f.endsWith('.js'))
  .map((f) => `dist/${f}`)
  .sort();
/** The bundle every call runs. */
const MAIN = 'dist/docker-credential-ecr-login.js';
const { inputsByOutput } = JSON.parse(fs.readFileSync(path.join(DIST, 'metafile.json'), 'utf8')) as {
  inputsByOutput: Record<string, string[]>;
};

describe('the bundles', () => {
  it('the build accounts for every shipped file', () => {
    expect(Object.keys(inputsByOutput).sort()).toEqual(shipped);
  });

  it('no source module is bundled into two files', () => {
    const owners = new Map<string, string[]>();
    for (const [output, inputs] of Object.entries(inputsByOutput)) {
      for (const input of inputs) owners.set(input, [...(owners.get(input) ?? []), output]);
    }
    const twice = [...owners].filter(([, outputs]) => outputs.length > 1);
    expect(twice).toEqual([]);
  });

  it('every bundle a shipped file requires is built and shipped', () => {
    const required = shipped.flatMap((file) =>
      [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/\brequire\(["']\.\/([^"']+)["']\)/g)].map(
        ([, chunk]) => `dist/${chunk}`,
      ),
    );
    expect(required.length).toBeGreaterThanOrEqual(6);
    expect(required.filter((chunk) => !shipped.includes(chunk))).toEqual([]);
  });

  it('vendor chunks hold third-party code only, the keychain worker only itself, the command bundles only commands', () => {
    // Sources that name what a separate bundle is: the SDK re-exports, the worker process.
    const own: Record<string, RegExp> = {
      'dist/vendor-aws-sdk.js': /^src\/aws\/sdk-clients\.ts$/,
      'dist/keychain-worker.js': /^src\/entry\/keychain-worker\.ts$/,
      // What a cache hit never runs: the AWS side of a miss and the OS keychain.
      'dist/deferred.js':
        /^src\/(cli\/deferred|aws\/(?!identity-fingerprint|aws-shared-files)[\w-]+|keychain\/(keychain-blob|keychain-process|os-keychain|split-keychain))\.ts$/,
      'dist/cli-commands.js':
        /^src\/(cli\/[^/]+|protocol\/kubelet\/(format-kubelet-config|parse-go-duration)|registry\/format-docker-config-key)\.ts$/,
      'dist/cli-configure.js': /^src\/cli\/configure\//,
      'dist/cli-doctor.js':
        /^src\/(cli\/doctor\/|(aws\/(create-aws-diagnostics|diagnostic-error|diagnostic-http-get)|cli\/exec-provider|protocol\/kubelet\/parse-credential-provider-(config|response)|registry\/kubelet-(match-image|image-name))\.ts$)/,
    };
    for (const [output, inputs] of Object.entries(inputsByOutput)) {
      if (output === MAIN) continue;
      const pattern = own[output];
      expect({ output, strays: inputs.filter((i) => i.startsWith('src/') && !pattern?.test(i)) }).toEqual({ output, strays: [] });
    }
    // Each command bundle holds its command's entry (not an empty shell over the main bundle).
    expect(inputsByOutput['dist/cli-commands.js']).toContain('src/cli/commander-program.ts');
    expect(inputsByOutput['dist/deferred.js']).toEqual(
      expect.arrayContaining(['src/cli/deferred.ts', 'src/aws/create-ecr-token-source.ts', 'src/keychain/os-keychain.ts']),
    );
    expect(inputsByOutput['dist/cli-configure.js']).toContain('src/cli/configure/run-configure.ts');
    expect(inputsByOutput['dist/cli-doctor.js']).toContain('src/cli/doctor/doctor-command.ts');
  });

  it('the main bundle holds what a cache hit runs, and none of a miss, the OS keychain, configure, doctor, kubelet-config or help', () => {
    const main = inputsByOutput[MAIN] ?? [];
    expect(main).toEqual(expect.arrayContaining(['src/protocol/docker/handle-command.ts', 'src/protocol/kubelet/handle-request.ts']));
    const commandsOnly =
      /^src\/cli\/(configure\/|doctor\/|commander-program|format-help|helper-on-path|exec-provider)|^src\/protocol\/kubelet\/(format-kubelet-config|parse-)|^src\/registry\/kubelet-|^src\/aws\/create-aws-diagnostics|^node_modules\/(jsonc-parser|diff|commander|yaml)\//;
    const notOnAHit =
      /^src\/aws\/(create-ecr-token-source|classify-aws-error)|^src\/keychain\/(os-keychain|keychain-process|split-keychain)|^node_modules\/@noble\/hashes\/legacy/;
    expect(main.filter((input) => commandsOnly.test(input) || notOnAHit.test(input))).toEqual([]);
  });

  it.each([
    ['the protocol message (errors)', 'credentials not found in native keychain', MAIN],
    ['the keychain service (keychain/)', 'docker-credential-ecr-login/credentials', MAIN],
    ['the cache write lock label (store/)', 'cache write lock', MAIN],
    ['the token decoding (aws/)', 'ECR returned an authorization token that is not base64', 'dist/deferred.js'],
    ['the usage line (cli/)', 'Usage: docker-credential-ecr-login', 'dist/cli-commands.js'],
    ['the IAM policy command (doctor)', 'put-role-policy', 'dist/cli-doctor.js'],
    ['the dry run line (configure)', 'dry run: nothing written', 'dist/cli-configure.js'],
  ])('%s appears in exactly one shipped file', (_what, marker, holder) => {
    const holders = shipped.filter((file) => fs.readFileSync(path.join(ROOT, file), 'utf8').includes(marker));
    expect(holders).toEqual([holder]);
  });

  it('dependencies are exactly the packages the bundles require() from node_modules', () => {
    // The SDK's SigV4a signers: required inside try/catch, for S3 multi-region access points
    // only; no ECR call loads them, and they are not installed.
    const optional = new Set(['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a']);
    const required = new Set<string>();
    for (const file of shipped) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const [, spec = ''] of text.matchAll(/\brequire\(["']([^"'./][^"']*)["']\)/g)) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        if (!spec.startsWith('node:') && !builtinModules.includes(name) && !optional.has(name)) required.add(name);
      }
    }
    expect([...required].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });
});

describe('npm pack', () => {
  it('ships what a user runs and nothing else', () => {
    // npm is npm.cmd on Windows, which Node starts only through a shell (CVE-2024-27980).
    const command = ['npm', 'pack', '--dry-run', '--json', '--ignore-scripts'];
    const out =
      process.platform === 'win32'
        ? execSync(command.join(' '), { cwd: ROOT, encoding: 'utf8' })
        : execFileSync('npm', command.slice(1), { cwd: ROOT, encoding: 'utf8' });
    const [packed] = JSON.parse(out) as { files: { path: string }[] }[];
    const files = (packed?.files ?? []).map((f) => f.path).sort();
    expect(files).toEqual(['LICENSE', 'README.md', ...Object.values(pkg.bin), ...shipped, 'package.json'].sort());
  });
});

describe('scripts/package.mjs --target', () => {
  it.each([
    ['bun-linux-x64-baseline', '@oven/bun-linux-x64-baseline', { os: 'linux', cpu: 'x64', libc: 'glibc' }, ''],
    ['bun-linux-x64-musl-baseline', '@oven/bun-linux-x64-musl-baseline', { os: 'linux', cpu: 'x64', libc: 'musl' }, ''],
    ['bun-linux-aarch64-musl', '@oven/bun-linux-aarch64-musl', { os: 'linux', cpu: 'arm64', libc: 'musl' }, ''],
    ['bun-darwin-arm64', '@oven/bun-darwin-aarch64', { os: 'darwin', cpu: 'arm64' }, ''],
    ['bun-windows-x64-baseline', '@oven/bun-windows-x64-baseline', { os: 'win32', cpu: 'x64' }, '.exe'],
  ])('%s: Bun runtime %s, the keyring addon npm picks for %j', (name, runtime, npmPlatform, exe) => {
    expect(parseCompileTarget(name)).toEqual({ target: name.replace('aarch64', 'arm64'), runtime, npmPlatform, exe });
  });

  it('names only runtimes package-lock.json pins (integrity checked against it), besides the baseline ones', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const runtimes = COMPILE_TARGETS.map((name) => (parseCompileTarget(name) as CompileTarget).runtime);
    const unlisted = runtimes.filter((runtime) => !(`node_modules/${runtime}` in lock.packages));
    expect(unlisted.every((runtime) => runtime.endsWith('-baseline'))).toBe(true);
  });

  it('refuses a target it does not know, naming those it does, before building anything', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/package.mjs'), '--target', 'bun-linux-sparc'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect({ code: run.status, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toBe(`package: unknown target "bun-linux-sparc"; one of: ${COMPILE_TARGETS.join(', ')}\n`);
  });
});
