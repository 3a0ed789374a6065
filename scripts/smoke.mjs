// Smoke test of an installed or built helper, on any platform (the release workflow runs it
// on each native build; __tests__/integration/install.test.ts runs it against the npm package
// and the single-file executable):
//
//   node scripts/smoke.mjs --helper <program> [--provider <program>] [--version <x.y.z>]
//
// <program> is a path or a name looked up on PATH: a native executable, or a Node launcher
// (a file starting with "#!", run with this Node). It checks that the helper answers
// `version`, answers not-found for a registry that is not ECR, fetches a token from the ECR
// emulator (dist/dev/ecr-emulator.js, from `npm run build`) and serves the second `get` from
// its cache; with --provider, that the kubelet provider gets the same cached token. The
// helper sees a fresh home directory and the emulator's test keys, nothing of this machine.
// Prints one line per check; exits 1 on the first failure.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EMULATOR = path.join(ROOT, 'dist/dev/ecr-emulator.js');
const NOT_FOUND = 'credentials not found in native keychain\n';
const ECR_HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const COMMAND_TIMEOUT_MS = 30_000;

class SmokeFailure extends Error {}

function check(condition, what, details) {
  if (!condition) throw new SmokeFailure(`${what}${details === undefined ? '' : `\n${JSON.stringify(details, null, 2)}`}`);
  process.stdout.write(`ok - ${what}\n`);
}

/** A Node launcher (bin/… of the npm package) is run with this Node; anything else directly. */
function commandFor(program) {
  if (!program.includes('/') && !program.includes('\\')) return [program];
  let head = '';
  try {
    const fd = openSync(program, 'r');
    const buffer = Buffer.alloc(2);
    head = buffer.subarray(0, readSync(fd, buffer, 0, 2, 0)).toString();
    closeSync(fd);
  } catch (error) {
    throw new SmokeFailure(`cannot read ${program}: ${error.message}`);
  }
  return head === '#!' ? [process.execPath, program] : [program];
}

/** Environment passed through to every program: what a process needs to start, nothing more. */
function baseEnv() {
  // By the names' own spelling: on Windows `Path` and `PATH` are one variable.
  const keep = new Set(['PATH', 'SYSTEMROOT', 'WINDIR', 'TEMP', 'TMP', 'TMPDIR']);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => keep.has(name.toUpperCase())));
}

function run(program, args, input, env) {
  const [file, ...prefix] = commandFor(program);
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...prefix, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new SmokeFailure(`cannot start ${program}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Starts the emulator; resolves with its URL, test keys and a stop function. */
function startEmulator() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EMULATOR, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new SmokeFailure('the emulator printed nothing within 10 s'));
    }, 10_000);
    child.on('error', (error) => reject(new SmokeFailure(`cannot start the emulator: ${error.message}`)));
    child.on('exit', (code) => reject(new SmokeFailure(`the emulator exited (${code}): is ${EMULATOR} built (npm run build)?`)));
    child.stdout.on('data', (d) => {
      buffer += d;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      const { url, credentials } = JSON.parse(buffer.slice(0, newline));
      resolve({ url, credentials, stop: () => child.kill() });
    });
  });
}

async function tokenCalls(url) {
  const response = await fetch(new URL('/_emulator/calls', url));
  const { calls } = await response.json();
  return calls.filter((call) => call.action === 'GetAuthorizationToken').length;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function smoke({ helper, provider, version }) {
  const home = mkdtempSync(path.join(tmpdir(), 'ecr-login-smoke-'));
  const emulator = await startEmulator();
  try {
    // HOME and USERPROFILE differ, as in Git Bash with a network HOME: on Windows the token
    // cache must be in USERPROFILE (where docker looks too), elsewhere in HOME.
    const userProfile = path.join(home, 'profile');
    const shellHome = path.join(home, 'shell-home');
    mkdirSync(userProfile);
    mkdirSync(shellHome);
    const env = { ...baseEnv(), HOME: shellHome, USERPROFILE: userProfile };
    const cacheHome = process.platform === 'win32' ? userProfile : shellHome;

    const shown = await run(helper, ['version'], '', env);
    check(
      shown.code === 0 && /^docker-credential-ecr-login \d+\.\d+\.\d+\S*\n$/.test(shown.stdout),
      `${helper} version: ${shown.stdout.trim()}`,
      shown,
    );
    if (version !== undefined) check(shown.stdout === `docker-credential-ecr-login ${version}\n`, `the version is ${version}`, shown);

    const other = await run(helper, ['get'], 'registry.smoke-test.invalid', env);
    check(other.code === 1 && other.stdout === NOT_FOUND, 'get for a registry that is not ECR: not found', other);

    const { accessKeyId, secretAccessKey } = emulator.credentials.allowed;
    const awsEnv = {
      ...env,
      AWS_ENDPOINT_URL_ECR: emulator.url,
      AWS_ENDPOINT_URL_ECR_PUBLIC: emulator.url,
      AWS_ENDPOINT_URL_STS: emulator.url,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const first = await run(helper, ['get'], ECR_HOST, awsEnv);
    const token = parseJson(first.stdout);
    check(
      first.code === 0 &&
        token?.ServerURL === ECR_HOST &&
        token.Username === 'AWS' &&
        typeof token.Secret === 'string' &&
        token.Secret.length > 0,
      'get for an ECR registry: a token from the emulator',
      first,
    );
    check((await tokenCalls(emulator.url)) === 1, 'one GetAuthorizationToken call');

    const second = await run(helper, ['get'], `https://${ECR_HOST}`, awsEnv);
    check(second.code === 0 && parseJson(second.stdout)?.Secret === token.Secret, 'the second get: the same token', second);
    check((await tokenCalls(emulator.url)) === 1, 'the second get made no call (a cache hit)');
    check(existsSync(path.join(cacheHome, '.ecr')), `the token cache is in ${process.platform === 'win32' ? 'USERPROFILE' : 'HOME'}`);

    if (provider !== undefined) {
      const request = JSON.stringify({
        apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
        kind: 'CredentialProviderRequest',
        image: `${ECR_HOST}/smoke/app:1.0`,
      });
      const kubelet = await run(provider, [], request, awsEnv);
      const response = parseJson(kubelet.stdout);
      check(
        kubelet.code === 0 && response?.kind === 'CredentialProviderResponse' && response.auth?.[ECR_HOST]?.password === token.Secret,
        `${provider}: the cached token for kubelet`,
        kubelet,
      );
      check((await tokenCalls(emulator.url)) === 1, 'the provider made no call either');
    }
  } finally {
    emulator.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { helper: { type: 'string' }, provider: { type: 'string' }, version: { type: 'string' } } });
if (values.helper === undefined) {
  process.stderr.write('usage: node scripts/smoke.mjs --helper <program> [--provider <program>] [--version <x.y.z>]\n');
  process.exit(2);
}
try {
  await smoke(values);
  process.stdout.write('smoke test passed\n');
} catch (error) {
  process.stdout.write(`not ok - ${error instanceof SmokeFailure ? error.message : error.stack}\n`);
  process.exitCode = 1;
}
