import { writeSync } from 'node:fs';
import { version } from '../../package.json';
import { resolveKeychainItemLimit } from '../keychain/keychain-item-limit';
import { createLazyKeychain } from '../keychain/lazy-keychain';
import { selectKeychainTimeout } from '../keychain/select-keychain-timeout';
import { run } from '../main';
import { describeFsPlatform } from '../safe-fs/fs-platform';
import { hasControllingTerminal } from './has-controlling-terminal';
import { isEmbedded, KEYCHAIN_WORKER_ARG, locateProgram } from './locate-program';
import { createProcessIo } from './process-io';
import { resolveHomeDir, resolveUserHomeDir } from './resolve-home-dir';
import { createRefresherStarter } from './start-refresher';

/*
 * The process boundary: the only code that reads argv and the environment, owns the standard
 * streams and sets the exit code. Everything below gets them handed in.
 */

// The SDK warns about Node 20 on stderr; stderr is the user's terminal, and the warning is
// not theirs to act on here. Set before the SDK is loaded (it is loaded lazily).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A write past `ulimit -f` fails with EFBIG, which the log and the stores handle (the answer
// is still given, with one warning at most); the kernel also sends SIGXFSZ, which Node and Bun
// ignore by default — but `signal-exit` (a dependency of proper-lockfile) re-raises any signal
// it saw when no other listener is there, and the process died with status 153 and no answer.
// This listener keeps the default: ignored.
process.on('SIGXFSZ', () => undefined);

let abandoned = false;
const EMBEDDED = isEmbedded(process.argv);
const program = locateProgram(process.argv, process.argv0, __dirname, process.execPath);
// The user files must belong to, and how they are opened: described once, here, and handed down.
const uid = process.getuid?.();
const fsPlatform = describeFsPlatform(process.platform, uid);
// node:os only where HOME does not say (Bun builds the module on first use: ~0.2 ms of a hit).
const homedir = (): string => (require('node:os') as typeof import('node:os')).homedir();

if (process.argv[2] === KEYCHAIN_WORKER_ARG && EMBEDDED) {
  // The single-file executable started as its own keychain process (os-keychain.ts): serve
  // keychain requests on stdin, nothing else.
  (require(program.workerFile) as { serveKeychainRequests: () => void }).serveKeychainRequests();
} else {
  run(process.argv.slice(2), createProcessIo(), {
    env: process.env,
    programName: program.name,
    programFile: program.file,
    platform: process.platform,
    uid,
    fsPlatform,
    pid: process.pid,
    // HOME first, on Windows too, as the AWS SDK reads it (see resolveHomeDir); docker's and
    // podman's files and the token cache where they look (USERPROFILE on Windows).
    homeDir: resolveHomeDir(process.env, process.platform, homedir),
    userHomeDir: resolveUserHomeDir(process.env, process.platform, homedir),
    version,
    now: Date.now,
    // Only the executable unpacks the native addon (into its temp directory); Node loads it from node_modules.
    // Items of at most the platform's size; longer secrets split over several (split-keychain.ts).
    // Built on first use, from the bundle a cache hit never loads (cli/deferred.ts).
    createKeychain: ({ timeoutMs, scratchDir, maxItemBytes }) => {
      const itemBytes = resolveKeychainItemLimit(process.platform, maxItemBytes);
      return createLazyKeychain(itemBytes, async () =>
        (await import('../cli/deferred')).createKeychain({
          platform: process.platform,
          command: program.keychainCommand,
          env: process.env,
          onExit: (done) => process.once('exit', done),
          // Shorter on macOS when nobody can answer an access dialog (select-keychain-timeout.ts).
          timeoutMs: selectKeychainTimeout({ budgetMs: timeoutMs, platform: process.platform, hasControllingTerminal }),
          scratchDir: EMBEDDED ? scratchDir : undefined,
          fsPlatform,
          maxItemBytes: itemBytes,
        }),
      );
    },
    // The executable sends with Bun's fetch where it can: node:http costs Bun ~4 ms to load.
    loadTokenSource: async (logger, retry) =>
      (await import('../cli/deferred')).createEcrTokenSource({
        logger,
        retry,
        ...(process.versions.bun === undefined ? {} : { nativeFetch: { env: process.env } }),
      }),
    startRefresher: createRefresherStarter(program.selfCommand, process.env),
    onAbandoned: () => {
      abandoned = true;
    },
  }).then(
    (code) => {
      // Exit now, not when the event loop drains: an abandoned request or lock refresh must not
      // keep the process (and the client waiting on it) alive. Output was written synchronously.
      // After the command's deadline, work may be stuck in libuv's thread pool (a FIFO some
      // library opened, a silent DNS server), and a normal exit waits for those threads: the
      // process ends itself with SIGKILL instead. That happens only when the answer is a
      // failure (the deadline's), never after credentials were written: clients print a failed
      // helper's stdout in their error, and it holds only the protocol's message then. (On
      // Windows, SIGKILL is TerminateProcess: exit status 1, at once, threads and all.) The
      // keychain's native calls run in a child process, which is killed, not waited for.
      if (abandoned) process.kill(process.pid, 'SIGKILL');
      process.exit(code);
    },
    () => {
      // Only if run() itself broke: the docker protocol's safe answer (kubelet reads only the exit code then).
      if (program.name !== 'ecr-credential-provider') writeSync(1, 'credentials not found in native keychain\n');
      process.exit(1);
    },
  );
}
