import { startEcrEmulator, TEST_CREDENTIALS } from './ecr-emulator';

/**
 * Runs the emulator as a process (for `npm run demo`, `npm run bench`, or by hand):
 * prints one JSON line with its URL and test keys, serves until stdin closes or SIGTERM.
 * Control: POST /_emulator/faults {"deny","throttleNext","delayMs","tokenLifetimeSeconds"},
 * GET /_emulator/calls, POST /_emulator/reset.
 */
async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  const emulator = await startEcrEmulator({ port });
  process.stdout.write(`${JSON.stringify({ url: emulator.url, credentials: TEST_CREDENTIALS })}\n`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
