import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { AuthorizationToken, TokenRequestOptions, TokenSource } from '../../src/aws/token-source';
import { run } from '../../src/main';
import type { Registry } from '../../src/registry/parse-registry';
import { createFakeClock, createFakeKeychain, createSink, stdinOf } from '../helpers/fakes';
import { ECR_HOST, FUZZ, isEcrHostBySpec, plainHostPort, urlish } from '../helpers/fuzz';
import { hostProcessFacts } from '../helpers/host-fs';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * The two protocols end to end in this process (main's run with a fake token source and
 * keychain), over arbitrary and hostile input: invariants, not outputs.
 * - never a token for a host that is not an ECR host (by the specification's pattern) or a
 *   configured alias spelled exactly, port included;
 * - never a stack trace, and only the protocol's exit codes;
 * - always an answer, well within the deadline;
 * - in kubelet mode, STS is asked only for role ARNs of IAM's form.
 */

const ALIASES: Record<string, string> = { 'registry.example.com': ECR_HOST, 'mirror.example.com:5000': ECR_HOST };
const ROLE_ANNOTATION = 'eks.amazonaws.com/ecr-role-arn';
/** An IAM role ARN by the specification (IAM's grammar), independently of the code's parser. */
const ROLE_ARN_BY_SPEC = /^arn:aws(?:-cn|-us-gov|-iso|-iso-[bef]|-eusc)?:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
/** Longer than any of these calls takes with fakes; a hang fails the property. */
const ANSWER_WITHIN_MS = 2000;

interface Recorded {
  readonly registry: Registry;
  readonly request: TokenRequestOptions | undefined;
}

function setup() {
  const home = makeTempDir();
  fs.mkdirSync(path.join(home, '.ecr'), { mode: 0o700 });
  fs.writeFileSync(path.join(home, '.ecr', 'config.json'), JSON.stringify({ aliases: ALIASES }), { mode: 0o600 });
  const clock = createFakeClock();
  const calls: Recorded[] = [];
  const source: TokenSource = {
    async getAuthorizationToken(registry, request): Promise<AuthorizationToken> {
      calls.push({ registry, request });
      return { username: 'AWS', password: `password-${calls.length}`, expiresAt: new Date(clock.now() + 12 * 3600_000) };
    },
  };
  const keychain = createFakeKeychain();
  const invoke = async (programName: string, args: string[], input: string) => {
    const stdout = createSink();
    const stderr = createSink();
    const answer = run(
      args,
      { stdin: stdinOf(input), stdout, stderr },
      {
        env: { AWS_ECR_CACHE_DIR: path.join(home, 'cache'), AWS_ACCESS_KEY_ID: 'AKIAFUZZ', AWS_SECRET_ACCESS_KEY: 'x' },
        programName,
        ...hostProcessFacts(),
        homeDir: home,
        version: '9.8.7',
        now: clock.now,
        loadTokenSource: async () => source,
        createKeychain: () => keychain,
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
    });
    try {
      const code = await Promise.race([answer, late]);
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    } finally {
      clearTimeout(timer);
    }
  };
  return { calls, invoke };
}

/** Whether `input` names, as a person reads it, an ECR host or an alias exactly as configured. */
function namesEcrOrAlias(input: string): boolean {
  const { host, port } = plainHostPort(input);
  if (isEcrHostBySpec(host)) return true;
  const key = port === undefined || port === '' ? host : `${host}:${port}`;
  return Object.hasOwn(ALIASES, key);
}

const expectNoStackTrace = (stderr: string): void => {
  expect(stderr).not.toMatch(/\n\s+at |Error: .*\n.*\(/);
};

describe('docker protocol, over arbitrary input', () => {
  const { invoke } = setup();

  it('get: a token only for an ECR host or an alias as configured; otherwise not-found; no stack trace', async () => {
    let tokens = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(urlish, fc.string({ maxLength: 60 })), async (input) => {
        const out = await invoke('docker-credential-ecr-login', ['get'], input);
        expect([0, 1]).toContain(out.code);
        expectNoStackTrace(out.stderr);
        if (out.code === 0) {
          const answer = JSON.parse(out.stdout) as { ServerURL: string; Secret: string };
          if (answer.Secret.startsWith('password-')) {
            expect(namesEcrOrAlias(input)).toBe(true);
            tokens += 1;
          }
        } else {
          // The protocol's fixed answers, or one line saying what is wrong with the input.
          expect(out.stdout).toMatch(/^[^\n]+\n$/);
        }
      }),
      { ...FUZZ, numRuns: Math.ceil((FUZZ.numRuns ?? 100) / 4) },
    );
    // The inputs reach the token path too, not only the refusals.
    expect(tokens).toBeGreaterThan(0);
  });

  it('store and erase: the protocol answer or a one-line error, never a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          urlish.map((url) => JSON.stringify({ ServerURL: url, Username: 'u', Secret: 's' })),
          fc.json({ maxDepth: 2 }),
          fc.string({ maxLength: 40 }),
        ),
        async (input) => {
          for (const action of ['store', 'erase']) {
            const out = await invoke('docker-credential-ecr-login', [action], input);
            expect([0, 1]).toContain(out.code);
            expectNoStackTrace(out.stderr);
            expect(out.stdout.split('\n').length).toBeLessThanOrEqual(2);
          }
        },
      ),
      { ...FUZZ, numRuns: Math.ceil((FUZZ.numRuns ?? 100) / 8) },
    );
  });
});

describe('kubelet protocol, over arbitrary requests', () => {
  const { calls, invoke } = setup();
  // Mostly well-formed, so that runs reach the token and STS paths; each field also goes wrong.
  const often = <T>(usual: T, other: fc.Arbitrary<T>): fc.Arbitrary<T> =>
    fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: other });
  const roleValue = fc.oneof(
    fc.constantFrom('arn:aws:iam::111122223333:role/pull', 'arn:aws:iam::111122223333:role/a/b/pull', ''),
    fc.string({ maxLength: 60 }),
    urlish,
  );
  const request = fc.record({
    kind: often('CredentialProviderRequest', fc.constant('Other')),
    apiVersion: often('credentialprovider.kubelet.k8s.io/v1', fc.constantFrom('credentialprovider.kubelet.k8s.io/v1beta1', 'v9')),
    image: fc.tuple(urlish, fc.constantFrom('', '/app', '/team/app:1')).map(([host, p]) => `${host}${p}`),
    serviceAccountToken: often<string | undefined>('header.payload.signature', fc.constantFrom('', undefined)),
    serviceAccountAnnotations: often<Record<string, string> | undefined>({}, fc.constant(undefined)).chain((base) =>
      base === undefined ? fc.constant(undefined) : fc.dictionary(fc.constantFrom(ROLE_ANNOTATION, 'other'), roleValue, { minKeys: 1 }),
    ),
  });

  it('a response only for an ECR host or an alias as configured, keyed by that host; STS only for role ARNs of IAM’s form', async () => {
    let responses = 0;
    let assumed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: request.map((r) => JSON.stringify(r)) }, { weight: 1, arbitrary: fc.string() }),
        async (input) => {
          calls.length = 0;
          const out = await invoke('ecr-credential-provider', ['get-credentials'], input);
          expect([0, 1]).toContain(out.code);
          expectNoStackTrace(out.stderr);
          for (const call of calls) {
            const role = call.request?.webIdentity?.roleArn;
            if (role !== undefined) {
              expect(role).toMatch(ROLE_ARN_BY_SPEC);
              assumed += 1;
            }
          }
          if (out.code !== 0) {
            expect(out.stdout).toBe('');
            expect(out.stderr.split('\n').length).toBe(2);
            return;
          }
          const image = (JSON.parse(input) as { image: string }).image;
          expect(namesEcrOrAlias(image)).toBe(true);
          const keys = Object.keys((JSON.parse(out.stdout) as { auth: Record<string, unknown> }).auth);
          expect(keys).toHaveLength(1);
          expect(plainHostPort(keys[0] ?? '').host).toBe(plainHostPort(image).host);
          responses += 1;
        },
      ),
      { ...FUZZ, numRuns: Math.ceil((FUZZ.numRuns ?? 100) / 4) },
    );
    expect({ responses: responses > 0, assumed: assumed > 0 }).toEqual({ responses: true, assumed: true });
  });
});
