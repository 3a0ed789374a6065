/**
 * `npm run demo`: the helper end to end against the bundled ECR emulator, no AWS account.
 * Runs the built binary the way docker would (action as argument, server URL on stdin) and
 * shows what each step returned and what reached the emulator. Exits non-zero if any step
 * does not behave as documented.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEcrEmulator, TEST_CREDENTIALS } from '../emulator/ecr-emulator';

// Runs as dist/dev/demo.js.
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'docker-credential-ecr-login');
const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function helper(args: string[], input: string, env: Record<string, string>): Promise<Result> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    child.stdin.end(input);
  });
}

/** Shows a secret only as its first characters and length. */
function mask(stdout: string): string {
  return stdout
    .replace(/"Secret":"([^"]{8})([^"]*)"/, (_m, head: string, rest: string) => `"Secret":"${head}…(${head.length + rest.length} chars)"`)
    .trim();
}

let failures = 0;
function check(ok: boolean, what: string): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

async function main(): Promise<void> {
  const emulator = await startEcrEmulator();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-login-demo-'));
  const dockerConfig = path.join(home, '.docker');
  fs.mkdirSync(dockerConfig);
  fs.writeFileSync(
    path.join(dockerConfig, 'config.json'),
    `${JSON.stringify({ credHelpers: { [HOST]: 'ecr-login', 'public.ecr.aws': 'ecr-login' } }, null, 2)}\n`,
  );
  const env = { HOME: home, ...emulator.env() };
  console.log(`ECR emulator listening on ${emulator.url} (verifies SigV4 signatures)`);
  console.log(
    `docker config: ${path.join(dockerConfig, 'config.json')}\n${fs.readFileSync(path.join(dockerConfig, 'config.json'), 'utf8')}`,
  );

  try {
    console.log(`1. get ${HOST} (cold cache)`);
    const cold = await helper(['get'], HOST, env);
    console.log(`   ${mask(cold.stdout)}  [${cold.ms.toFixed(0)} ms]`);
    check(cold.code === 0 && JSON.parse(cold.stdout).Secret === emulator.issued[0]?.password, 'token from ECR GetAuthorizationToken');

    console.log(`2. get ${HOST} again (cache hit)`);
    const hit = await helper(['get'], HOST, env);
    console.log(`   ${mask(hit.stdout)}  [${hit.ms.toFixed(0)} ms]`);
    check(hit.code === 0 && emulator.calls.length === 1, `no AWS call on a hit (emulator saw ${emulator.calls.length} call in total)`);

    console.log('3. get public.ecr.aws');
    const pub = await helper(['get'], 'public.ecr.aws', env);
    console.log(`   ${mask(pub.stdout)}`);
    check(pub.code === 0 && emulator.calls.at(-1)?.service === 'ecr-public', 'ECR Public token from us-east-1');

    console.log('4. list');
    const list = await helper(['list'], '', env);
    console.log(`   ${list.stdout.trim()}`);
    check(list.code === 0 && Object.keys(JSON.parse(list.stdout)).length === 2, 'both cached registries listed');

    console.log(`5. store (what docker login ${HOST} does)`);
    const store = await helper(['store'], JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: 'x' }), env);
    check(store.code === 0, 'docker login to an ECR registry succeeds (nothing to store: tokens are fetched on demand)');

    console.log('6. get https://index.docker.io/v1/ (not ECR)');
    const hub = await helper(['get'], 'https://index.docker.io/v1/', env);
    console.log(`   stdout: ${hub.stdout.trim()}  exit ${hub.code}`);
    check(hub.code === 1 && hub.stdout.trim() === 'credentials not found in native keychain', 'client goes on anonymously');

    console.log('7. get with credentials that lack ecr:GetAuthorizationToken');
    const denied = await helper(['get'], HOST, {
      HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-login-demo-')),
      ...emulator.env(TEST_CREDENTIALS.denied),
    });
    console.log(`   stdout: ${denied.stdout.trim()}`);
    console.log(`   stderr: ${denied.stderr.trim()}`);
    check(
      denied.code === 1 && denied.stderr.includes('ecr:GetAuthorizationToken'),
      'stderr names the principal and the missing permission',
    );

    const cache = fs.readFileSync(path.join(home, '.ecr', 'tokens.json'), 'utf8');
    check(
      fs.statSync(path.join(home, '.ecr', 'tokens.json')).mode % 0o1000 === 0o600,
      `cache file ~/.ecr/tokens.json is 0600 (${cache.length} bytes)`,
    );
  } finally {
    await emulator.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
  console.log(failures === 0 ? '\ndemo: all steps behaved as documented' : `\ndemo: ${failures} step(s) FAILED`);
  process.exitCode = failures === 0 ? 0 : 1;
}

void main();
