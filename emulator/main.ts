import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEcrEmulator, TEST_CREDENTIALS } from './ecr-emulator';

const USAGE = `usage: ecr-emulator [port] [--listen <address>:<port>] [--tls-cert <pem> --tls-key <pem>]
                    [--registry-password-file <file>] [--control-socket <path>]`;

/**
 * Runs the emulator as a process (for `npm run demo`, `npm run bench`, the end-to-end tests,
 * or by hand): prints one JSON line with its URL and test keys, serves until SIGTERM/SIGINT.
 * `--tls-cert`/`--tls-key` serve HTTPS (the end-to-end tests reach it by the real AWS host
 * names), `--registry-password-file` fixes the password of every issued token (so that a real
 * registry's htpasswd accepts them), `--control-socket` serves on a Unix socket too.
 * Control: POST /_emulator/faults {"deny","throttleNext","delayMs","tokenLifetimeSeconds","registryRejectTokens","denyAssumeRole"},
 * GET /_emulator/calls, POST /_emulator/reset, POST /_emulator/service-account {"subject","roleArn"}.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      listen: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'registry-password-file': { type: 'string' },
      'control-socket': { type: 'string' },
    },
  });
  let host: string | undefined;
  let port = Number(positionals[0] ?? 0);
  if (values.listen !== undefined) {
    const match = /^(.+):(\d+)$/.exec(values.listen);
    if (!match?.[1] || !match[2]) throw new Error(`--listen wants <address>:<port>\n${USAGE}`);
    host = match[1].replace(/^\[(.*)\]$/, '$1');
    port = Number(match[2]);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`not a port: ${positionals[0]}\n${USAGE}`);
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error(`--tls-cert and --tls-key go together\n${USAGE}`);
  const emulator = await startEcrEmulator({
    port,
    ...(host !== undefined ? { host } : {}),
    ...(certFile && keyFile ? { tls: { cert: readFileSync(certFile), key: readFileSync(keyFile) } } : {}),
    ...(values['registry-password-file'] !== undefined
      ? { registryPassword: readFileSync(values['registry-password-file'], 'utf8').trim() }
      : {}),
    ...(values['control-socket'] !== undefined ? { controlSocket: values['control-socket'] } : {}),
  });
  process.stdout.write(`${JSON.stringify({ url: emulator.url, credentials: TEST_CREDENTIALS })}\n`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`ecr-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
