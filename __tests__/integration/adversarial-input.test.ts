import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { eachOnUnix } from '../helpers/platform';
import { HELPER_COMMAND, type HelperResult, PROVIDER_COMMAND, startHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Every input surface, fed 64 KiB shaped to hurt a backtracking regular expression (issue 16:
 * a 4 KiB ServiceAccount annotation cost a minute of CPU in the log's redaction, past every
 * deadline). The built helper, as a child process, must answer each within a second of wall
 * time (its start-up is ~50 ms), with its protocol's exit code, no stack trace, and stderr and
 * log lines that are capped and escaped.
 */

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const GROUP = 'credentialprovider.kubelet.k8s.io';
const ROLE_ANNOTATION = 'eks.amazonaws.com/ecr-role-arn';
const SIZE = 64 * 1024;

/** Runs that backtracking patterns over URLs and userinfo rescan from each character. */
const SHAPES: ReadonlyArray<readonly [string, string]> = [
  ['a.', 'a.'],
  ['a/', 'a/'],
  ['a@', 'a@'],
  ['://', 'a://'],
  ['?', 'a?'],
  ['%', 'a%'],
  ['blanks', ' \t'],
  ['mixed', 'a.b/c@d://e?f%g:h='],
];

/** `unit` repeated to exactly `length` characters. */
function shaped(unit: string, length = SIZE): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** `make(payload)` with the payload as long as it can be for the whole to fit in 64 KiB of stdin. */
function filling(unit: string, make: (payload: string) => string): string {
  const overhead = Buffer.byteLength(make(''));
  return make(shaped(unit, SIZE - overhead));
}

const emulator = useEmulator();

/**
 * `runHelper`/`runProvider`, but a run still going after 10 s is killed (and fails the
 * assertion on its time): a regression must not leave a process burning CPU for hours.
 */
async function run(command: readonly string[], args: readonly string[], input: string, env: Record<string, string>): Promise<HelperResult> {
  const { child, result } = startHelper(args, input, env, command);
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    return await result;
  } finally {
    clearTimeout(guard);
  }
}
const runHelper = (args: readonly string[], input: string, env: Record<string, string>) => run(HELPER_COMMAND, args, input, env);
const runProvider = (args: readonly string[], input: string, env: Record<string, string>) => run(PROVIDER_COMMAND, args, input, env);

/** Characters no line the helper writes may hold raw (log.ts escapes them). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/;
/** A line of stderr or of the log: a prefix, at most 4 KiB of message, the cut mark. */
const MAX_LINE = 4096 + 200;

/**
 * The answer is a clear one: within a second, an exit code the protocol knows, no stack trace,
 * and every line on stderr and in the log short and escaped.
 */
function expectClearAnswer(out: HelperResult, codes: readonly number[], home: string): void {
  const code = out.code !== null && codes.includes(out.code) ? 'expected' : out.code;
  expect({ code, signal: out.signal, withinASecond: out.ms < 1000 || `${out.ms} ms` }).toEqual({
    code: 'expected',
    signal: null,
    withinASecond: true,
  });
  // Success may print nothing (store); a failure says something.
  if (out.code !== 0) expect(out.stdout !== '' || out.stderr !== '').toBe(true);
  expect(out.stderr).not.toMatch(/^\s+at /m);
  const log = path.join(home, '.ecr', 'log', 'ecr-login.log');
  const lines = [...out.stderr.split('\n'), ...(fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n') : [])];
  for (const line of lines) {
    expect(line.length).toBeLessThan(MAX_LINE);
    expect(line).not.toMatch(RAW_CONTROL);
  }
}

describe('docker protocol: 64 KiB on stdin', () => {
  it.each(SHAPES)('get, erase: %s', async (_name, unit) => {
    for (const action of ['get', 'erase']) {
      const home = makeTempDir();
      const out = await runHelper([action], shaped(unit), { HOME: home, ...emulator.env() });
      expectClearAnswer(out, [1], home);
    }
  });

  it.each(SHAPES)('store: %s as the ServerURL, the Username and the Secret', async (_name, unit) => {
    for (const make of [
      (p: string) => JSON.stringify({ ServerURL: p, Username: 'u', Secret: 's' }),
      (p: string) => JSON.stringify({ ServerURL: `https://${HOST}/${p}`, Username: 'u', Secret: 's' }),
      (p: string) => JSON.stringify({ ServerURL: HOST, Username: p, Secret: 's' }),
      (p: string) => JSON.stringify({ ServerURL: 'registry.example.com', Username: 'u', Secret: p }),
    ]) {
      const home = makeTempDir();
      const out = await runHelper(['store'], filling(unit, make), { HOME: home, ...emulator.env() });
      expectClearAnswer(out, [0, 1], home);
    }
  });
});

describe('kubelet protocol: 64 KiB in the request', () => {
  const request = (fields: Record<string, unknown>): string =>
    JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: `${GROUP}/v1`, ...fields });

  it.each(SHAPES)('the image: %s', async (_name, unit) => {
    for (const make of [(p: string) => request({ image: p }), (p: string) => request({ image: `${HOST}/${p}` })]) {
      const home = makeTempDir();
      const out = await runProvider(['get-credentials'], filling(unit, make), { HOME: home, ...emulator.nodeEnv() });
      expectClearAnswer(out, [0, 1], home);
    }
  });

  it.each(SHAPES)(`the ${ROLE_ANNOTATION} annotation: %s`, async (_name, unit) => {
    const home = makeTempDir();
    const token = emulator.serviceAccounts.issue('system:serviceaccount:tenant:app');
    const make = (p: string) =>
      request({ image: `${HOST}/app`, serviceAccountToken: token, serviceAccountAnnotations: { [ROLE_ANNOTATION]: p } });
    const out = await runProvider(['get-credentials'], filling(unit, make), { HOME: home, ...emulator.nodeEnv() });
    expectClearAnswer(out, [1], home);
    expect(out.stdout).toBe('');
  });

  it('an annotation that would forge kubelet log lines: one escaped line on stderr', async () => {
    const home = makeTempDir();
    const forged = 'arn:aws:iam::111122223333:role/x\r\nE1216 12:00:00.000000 1 kubelet.go:1] forged\u001b[2K\u0007\u2028\u202e';
    const token = emulator.serviceAccounts.issue('system:serviceaccount:tenant:app');
    const out = await runProvider(
      ['get-credentials'],
      request({ image: `${HOST}/app`, serviceAccountToken: token, serviceAccountAnnotations: { [ROLE_ANNOTATION]: forged } }),
      { HOME: home, ...emulator.nodeEnv() },
    );
    expectClearAnswer(out, [1], home);
    expect(out.stderr.split('\n')).toHaveLength(2);
    // Refused as no role ARN, quoted by its start only, escaped: no raw control reaches kubelet's log.
    expect(out.stderr).toContain('is not an IAM role ARN');
    expect(out.stderr).toContain('"arn:aws:iam::111122223333:role/x\\r\\nE1216 12:00:00"…');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what must be absent
    expect(out.stderr.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f\u2028\u202e]/);
  });
});

describe('files: 64 KiB in the settings file and the docker config', () => {
  /** Settings files that put the payload where the parser, its messages and the log read it. */
  const settingsFiles = (p: string): string[] => [
    p,
    JSON.stringify({ registries: { [p]: { profile: 'x' } } }),
    JSON.stringify({ registries: { [HOST]: { profile: p } } }),
    JSON.stringify({ registries: { [HOST]: { roleArn: `arn:aws:iam::123456789012:role/${p}` } } }),
    JSON.stringify({ aliases: { [p]: HOST } }),
    JSON.stringify({ aliases: { 'registry.example.com': p } }),
  ];

  it.each(SHAPES)('~/.ecr/config.json: %s', async (_name, unit) => {
    for (const text of settingsFiles(shaped(unit))) {
      const home = makeTempDir();
      fs.mkdirSync(path.join(home, '.ecr'), { mode: 0o700 });
      fs.writeFileSync(path.join(home, '.ecr', 'config.json'), text);
      const out = await runHelper(['get'], HOST, { HOME: home, ...emulator.env() });
      expectClearAnswer(out, [0, 1], home);
    }
  });

  /** Docker configs with the payload as a key, a helper name and a credsStore, or as the file. */
  const dockerConfigs = (p: string): string[] => [
    p,
    JSON.stringify({ credHelpers: { [p]: 'ecr-login' } }),
    JSON.stringify({ credHelpers: { [HOST]: p } }),
    JSON.stringify({ credsStore: p, auths: { [p]: {} } }),
  ];

  it.each(SHAPES)('~/.docker/config.json read by configure and doctor: %s', async (_name, unit) => {
    for (const text of dockerConfigs(shaped(unit))) {
      for (const args of [
        ['configure', '--registry', HOST, '--dry-run'],
        ['doctor', HOST, '--json', '--registry-url', emulator.url],
      ]) {
        const home = makeTempDir();
        fs.mkdirSync(path.join(home, '.docker'));
        fs.writeFileSync(path.join(home, '.docker', 'config.json'), text);
        const out = await runHelper(args, '', { HOME: home, ...emulator.env() });
        expectClearAnswer(out, [0, 1, 2], home);
      }
    }
  });
});

// Windows caps a whole environment block and a command line at 32 767 characters.
const WHY = 'an environment variable or argument of 64 KiB';

describe('environment and argv: 64 KiB values', () => {
  const VARIABLES = ['AWS_PROFILE', 'AWS_REGION', 'AWS_ECR_CACHE_DIR', 'AWS_ECR_LOG_LEVEL', 'AWS_ECR_COMMAND_TIMEOUT', 'HTTPS_PROXY'];

  eachOnUnix(SHAPES, WHY)('environment variables: %s', async (_name, unit) => {
    for (const variable of VARIABLES) {
      const home = makeTempDir();
      const out = await runHelper(['get'], HOST, { HOME: home, ...emulator.env(), [variable]: shaped(unit) });
      expectClearAnswer(out, [0, 1], home);
    }
    const home = makeTempDir();
    const token = emulator.serviceAccounts.issue('system:serviceaccount:tenant:app');
    const out = await runProvider(
      ['get-credentials'],
      JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: `${GROUP}/v1`, image: `${HOST}/app`, serviceAccountToken: token }),
      { HOME: home, ...emulator.nodeEnv(), AWS_ECR_ROLE_ARN: shaped(unit) },
    );
    // Blanks are no role at all: the node's identity answers.
    expectClearAnswer(out, [0, 1], home);
  });

  eachOnUnix(SHAPES, WHY)('argv: %s', async (_name, unit) => {
    for (const args of [
      [shaped(unit)],
      ['configure', '--registry', shaped(unit), '--dry-run'],
      ['configure', '--registry', HOST, '--role-arn', shaped(unit), '--dry-run'],
      ['doctor', shaped(unit), '--json'],
    ]) {
      const home = makeTempDir();
      const out = await runHelper(args, '', { HOME: home, ...emulator.env() });
      expectClearAnswer(out, [1, 2], home);
    }
  });
});
