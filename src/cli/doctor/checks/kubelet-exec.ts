import type { CredentialProvider } from '../../../protocol/kubelet/parse-credential-provider-config';
import { parseCredentialProviderResponse } from '../../../protocol/kubelet/parse-credential-provider-response';
import { kubeletAuthKeyMatches } from '../../../registry/kubelet-match-image';
import type { ProgramRun } from '../../exec-provider';
import { fail, ok, skip } from '../check-result';
import type { DoctorCheck, DoctorContext } from '../doctor-check';

/** kubelet's limit for one run of a provider (plugin.go: "a catch-all timeout of 1 minute"). */
export const KUBELET_EXEC_TIMEOUT_MS = 60_000;

/** The request kubelet writes on the provider's stdin (its JSON encoder: these fields, this order, a newline). */
export function formatKubeletRequest(apiVersion: string, image: string): string {
  return `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion, image })}\n`;
}

/** A failed provider's stderr as kubelet logs it, a few lines at most. */
function errorLines(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, 5)
    .map((line) => (line.length > 500 ? `${line.slice(0, 500)}…` : line));
  return lines.length === 0 ? '(nothing on stderr)' : lines.join(' | ');
}

/** One line about one run: what kubelet would take from it (passwords counted, never shown), or why it gets nothing. */
function judgeRun(run: ProgramRun, provider: CredentialProvider, image: string, timeoutMs: number): { ok: boolean; line: string } {
  const name = provider.name;
  if (run.status === 'not-started') return { ok: false, line: `${name}: could not be started: ${run.reason}` };
  if (run.status === 'timed-out') {
    return { ok: false, line: `${name}: no answer within ${timeoutMs / 1000} s, killed (kubelet waits 60 s): ${errorLines(run.stderr)}` };
  }
  if (run.code !== 0) {
    const status = run.code === null ? `signal ${run.signal}` : `exit status ${run.code}`;
    return { ok: false, line: `${name}: ${status}: ${errorLines(run.stderr)}` };
  }
  let response: ReturnType<typeof parseCredentialProviderResponse>;
  try {
    response = parseCredentialProviderResponse(run.stdout, provider.apiVersion);
  } catch (error) {
    return { ok: false, line: `${name}: kubelet cannot decode its answer: ${error instanceof Error ? error.message : String(error)}` };
  }
  const keys = Object.keys(response.auth);
  // kubelet first normalises each key (https://host/v2/ is host), then matches it.
  const taken = keys.filter((key) => kubeletAuthKeyMatches(key, image));
  const cache = `cacheKeyType ${response.cacheKeyType}, cacheDuration ${response.cacheDuration ?? '(default)'}`;
  if (taken.length === 0) {
    const answered = keys.length === 0 ? 'no credentials' : `credentials for ${keys.map((k) => JSON.stringify(k)).join(', ')} only`;
    return { ok: false, line: `${name}: answered ${answered}, which kubelet does not use for ${image} (${cache})` };
  }
  const auth = taken.map((key) => {
    const { username, password } = response.auth[key] ?? { username: '', password: '' };
    return `${key}: username ${JSON.stringify(username)}, password hidden (${password.length} characters)`;
  });
  return { ok: true, line: `${name}: ${auth.join('; ')} (${cache})` };
}

/** Runs one provider exactly as kubelet would: its file, args, kubelet's environment plus its env entries, the request. */
async function runProvider(ctx: DoctorContext, provider: CredentialProvider, file: string, timeoutMs: number): Promise<ProgramRun> {
  const { deps, kubelet } = ctx;
  if (deps.runProgram === undefined) return { status: 'not-started', reason: 'this build cannot start programs' };
  // Go's exec keeps the last of a repeated name: the config's entries win over kubelet's own.
  const env = { ...deps.kubeletEnv, ...Object.fromEntries(provider.env.map((e) => [e.name, e.value])) };
  const stdin = formatKubeletRequest(provider.apiVersion, kubelet?.lookupName ?? '');
  return deps.runProgram(file, provider.args, { env, stdin, timeoutMs });
}

/** The time this check leaves itself under the command's deadline, to write the report. */
const REPORT_MARGIN_MS = 3000;

/** A word as a POSIX shell reads it back: in single quotes, each `'` written as `'\''`. */
export function quoteShellWord(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** The command that repeats one run by hand: kubelet's request on the provider's stdin, every word quoted. */
export function formatByHandCommand(provider: CredentialProvider, file: string, image: string): string {
  const request = formatKubeletRequest(provider.apiVersion, image).trimEnd();
  return `printf '%s\\n' ${quoteShellWord(request)} | ${[file, ...provider.args].map(quoteShellWord).join(' ')}`;
}

/**
 * Each provider kubelet would run for the image, run as kubelet runs it, and its answer read
 * as kubelet reads it: OK when every one answered credentials kubelet uses for the image.
 * kubelet gives each run a minute; here all runs share one budget that ends before the
 * command's deadline, each getting an equal part of what is left (at most a minute), so the
 * report is written even when every provider hangs.
 */
export const kubeletExecCheck: DoctorCheck = {
  name: 'kubelet-exec',
  needs: { fact: 'kubeletMatched', why: 'kubelet runs no provider for this image (see kubelet-match)' },
  async run(ctx, { kubeletMatched = [], kubeletBinaries }) {
    const name = 'kubelet-exec';
    const image = ctx.kubelet?.lookupName ?? '';
    const { now, config } = ctx.services;
    const endsAt = now() + Math.max(1000, config.commandTimeoutMs - REPORT_MARGIN_MS);
    const runnable = kubeletMatched.flatMap((p) => {
      const file = kubeletBinaries?.get(p.name);
      return file === undefined ? [] : [{ provider: p, file }];
    });
    if (runnable.length === 0) return { result: skip(name, 'no program to run (see kubelet-binary)') };
    const lines: string[] = [];
    let byHand: string | undefined;
    for (const [index, { provider, file }] of runnable.entries()) {
      const timeoutMs = Math.min(KUBELET_EXEC_TIMEOUT_MS, Math.floor((endsAt - now()) / (runnable.length - index)));
      const judged =
        timeoutMs < 1
          ? { ok: false, line: `${provider.name}: not run: no time left before this command's deadline` }
          : judgeRun(await runProvider(ctx, provider, file, timeoutMs), provider, image, timeoutMs);
      lines.push(judged.line);
      if (!judged.ok && byHand === undefined) byHand = formatByHandCommand(provider, file, image);
    }
    if (byHand === undefined) return { result: ok(name, lines.join('\n')) };
    return {
      result: fail(
        name,
        lines.join('\n'),
        `run it as kubelet does, with its env entries set, and read its stderr (kubelet logs it too):\n${byHand}`,
      ),
    };
  },
};
