import type { TokenSource } from '../../src/aws/token-source';
import type { Keychain } from '../../src/keychain/os-keychain';
import { run } from '../../src/main';
import { createFakeClock, createFakeKeychain, createFakeTokenSource, createSink, stdinOf } from './fakes';
import { hostProcessFacts } from './host-fs';
import { makeTempDir } from './temp-dir';

/** What a command line run in this process is given; every part has a test's default. */
export interface InProcessRun {
  readonly env?: Record<string, string>;
  readonly programName?: string;
  readonly homeDir?: string;
  /** The user's home (docker's files), when it is not `homeDir`. */
  readonly userHomeDir?: string;
  readonly input?: string;
  readonly now?: () => number;
  readonly source?: TokenSource;
  readonly keychain?: Keychain;
}

/**
 * Runs `main.run` for `args` as the entry would, with fakes for what it would reach outside
 * (a fake clock, token source and keychain unless given; a fresh HOME), and the text it wrote.
 */
export async function runInProcess(
  args: readonly string[],
  options: InProcessRun = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const now = options.now ?? createFakeClock().now;
  const source = options.source ?? createFakeTokenSource(now);
  const keychain = options.keychain ?? createFakeKeychain();
  const stdout = createSink();
  const stderr = createSink();
  const code = await run(
    args,
    { stdin: stdinOf(options.input ?? ''), stdout, stderr },
    {
      env: options.env ?? {},
      programName: options.programName ?? 'docker-credential-ecr-login',
      ...hostProcessFacts(),
      homeDir: options.homeDir ?? makeTempDir(),
      ...(options.userHomeDir === undefined ? {} : { userHomeDir: options.userHomeDir }),
      version: '9.8.7',
      now,
      loadTokenSource: async () => source,
      createKeychain: () => keychain,
    },
  );
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
