import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { useEmulator } from '../helpers/emulator-fixture';
import { withPreload } from '../helpers/preload/env';
import { readLines } from '../helpers/read-lines';
import { runHelper, runProvider, startHelper } from '../helpers/run-helper';
import { describeWithSecretService, useSharedTestSession } from '../helpers/secret-service';
import { makeTempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

/*
 * Background refresh (docs/cache-and-locking.md): a get that finds its token past half its
 * lifetime answers with it at once and leaves the refresh to a detached process of the same
 * program. One clock for the emulator and the helper processes (a preload that shifts
 * Date.now, inherited by the refresher through the environment), as in token-lifetime.test.ts.
 * A refresher's only voice is the log: the tests wait for its lines (or the emulator's calls),
 * never for a fixed time, and every test waits for its refreshers to finish before it ends, so
 * that none calls the emulator during the next test.
 */

const HOST = '123456789012.dkr.ecr.eu-west-2.amazonaws.com';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How long a refresher may take here, from the get that starts it: Node start-up on a busy 2-core machine, then one ECR call. */
const REFRESH_DEADLINE_MS = 20_000;

const emulator = useEmulator();

const tokenCalls = () => emulator.calls.filter((c) => c.action === 'GetAuthorizationToken');
const secretOf = (stdout: string): unknown => JSON.parse(stdout).Secret;

/** Lines the helper's processes wrote to the log, as they are now. */
function logLines(home: string): string[] {
  const file = path.join(home, '.ecr', 'log', 'ecr-login.log');
  return readLines(file);
}

/** What the gets and their refreshers logged about background refreshes (log level debug). */
function refreshLog(home: string) {
  const lines = logLines(home);
  const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
  return {
    /** Gets that answered from the cache and started a refresher. */
    started: count(/is due for refresh: answered from the cache, refreshed in the background/),
    refreshed: count(/ refreshed the token for .* in the background, valid until /),
    alreadyFresh: count(/ was refreshed by another process/),
    failed: lines.filter((line) => / in the background failed /.test(line)),
  };
}

/** Waits until every refresher a get started has logged its outcome. */
async function refreshersDone(home: string): Promise<ReturnType<typeof refreshLog>> {
  await waitFor(
    () => {
      const log = refreshLog(home);
      return log.started > 0 && log.refreshed + log.alreadyFresh + log.failed.length === log.started;
    },
    REFRESH_DEADLINE_MS,
    'the background refreshers to log their outcome',
  );
  return refreshLog(home);
}

function environment(extra: Record<string, string> = {}) {
  const home = makeTempDir();
  const base = { HOME: home, ...emulator.env(), AWS_ECR_LOG_LEVEL: 'debug', ...extra };
  /** The environment of a helper process at `offsetMs` past the test's start; moves the emulator's clock there too. */
  const at = (offsetMs: number) => {
    emulator.faults.clockOffsetMs = offsetMs;
    return withPreload(base, 'shift-clock', { TEST_CLOCK_OFFSET_MS: String(offsetMs) });
  };
  const getAt = (offsetMs: number) => runHelper(['get'], HOST, at(offsetMs));
  return { home, at, getAt };
}

describe('background refresh', () => {
  it('a get past half-life answers from the cache as fast as a hit while ECR takes 3 s; one refresh call; the next get hits the new token', async () => {
    const { home, getAt } = environment();
    const first = await getAt(0);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    emulator.faults.delayMs = 3000;
    const hit = await getAt(HOUR);
    const due = await getAt(6 * HOUR + MINUTE);
    // Answered with the cached token before ECR answered the refresh (or even heard of it).
    expect(emulator.issued.length).toBe(1);
    expect(due).toMatchObject({ code: 0, stderr: '' });
    expect(secretOf(due.stdout)).toBe(secretOf(first.stdout));
    expect(due.ms).toBeLessThan(3000);
    expect(due.ms).toBeLessThan(hit.ms + 1500);
    expect(await refreshersDone(home)).toMatchObject({ started: 1, refreshed: 1, alreadyFresh: 0, failed: [] });
    expect(tokenCalls().map((c) => c.status)).toEqual([200, 200]);
    emulator.faults.delayMs = 0;
    const next = await getAt(6 * HOUR + 11 * MINUTE);
    expect(next).toMatchObject({ code: 0, stderr: '' });
    expect(secretOf(next.stdout)).toBe(emulator.issued[1]?.password);
    expect(tokenCalls()).toHaveLength(2);
    expect(refreshLog(home).started).toBe(1);
  });

  it('a client reading the output to EOF (as Go exec does) gets EOF when the helper answers, not when its refresher ends', async () => {
    const { home, at, getAt } = environment();
    expect((await getAt(0)).code).toBe(0);
    emulator.faults.delayMs = 3000;
    const { child, result } = startHelper(['get'], HOST, at(7 * HOUR));
    // 'end' on stdout and stderr is EOF: every holder of the pipes' write ends has closed them.
    const eof = Promise.all([child.stdout, child.stderr].map((stream) => new Promise((resolve) => stream?.on('end', resolve))));
    await eof;
    const refreshAnsweredAtEof = emulator.issued.length > 1;
    expect(refreshAnsweredAtEof).toBe(false);
    expect((await result).code).toBe(0);
    expect(await refreshersDone(home)).toMatchObject({ started: 1, refreshed: 1 });
    expect(tokenCalls()).toHaveLength(2);
  });

  it('24 concurrent gets past half-life all answer, and cause one ECR call between them', async () => {
    const { home, at, getAt } = environment();
    // The token is fetched 7 hours in the past and the gets run on the real clock: a lock
    // directory is stamped by the file system's clock when made (and only then by the
    // holder's), so refreshers racing for it on a shifted clock would take it for stale.
    expect((await getAt(-7 * HOUR)).code).toBe(0);
    const env = at(0);
    const results = await Promise.all(Array.from({ length: 24 }, () => runHelper(['get'], HOST, env)));
    expect(results.map((r) => [r.code, r.stderr])).toEqual(Array(24).fill([0, '']));
    const log = await refreshersDone(home);
    expect(log.refreshed).toBe(1);
    expect(log.failed).toEqual([]);
    expect(tokenCalls()).toHaveLength(2);
    // Each answered with the old token, or (a get that started after the refresh) the new one.
    const tokens = [emulator.issued[0]?.password, emulator.issued[1]?.password];
    for (const r of results) expect(tokens).toContain(secretOf(r.stdout));
  });

  it('a failing refresh is logged and keeps the old token, served until 5 minutes before its expiry; then a get fetches before answering', async () => {
    const { home, getAt } = environment();
    const first = await getAt(0);
    const issued = emulator.issued[0];
    emulator.faults.deny = true;
    const due = await getAt(7 * HOUR);
    expect(due).toMatchObject({ code: 0, stderr: '' });
    expect(secretOf(due.stdout)).toBe(secretOf(first.stdout));
    const log = await refreshersDone(home);
    const keptUntil = new Date((issued?.expiresAt.getTime() ?? 0) - 5 * MINUTE).toISOString();
    expect(log.failed).toHaveLength(1);
    expect(log.failed[0]).toMatch(
      new RegExp(
        ` WARN pid=\\d+ refreshing the token for ${HOST.replace(/\./g, '\\.')} in the background failed \\(access denied for .*: ` +
          `${TEST_CREDENTIALS.allowed.principalArn} is not allowed to call ecr:GetAuthorizationToken; .*\\); ` +
          `the cached token stays in use until ${keptUntil.replace(/\./g, '\\.')}$`,
      ),
    );
    // Never a token in the log.
    expect(logLines(home).join('\n')).not.toContain(issued?.password.slice(0, 40) ?? 'missing');
    expect(tokenCalls().map((c) => c.status)).toEqual([200, 400]);

    // 6 minutes left: still served, still refreshed in the background (and failing).
    const late = await getAt(12 * HOUR - 6 * MINUTE);
    expect(late).toMatchObject({ code: 0, stderr: '' });
    expect(secretOf(late.stdout)).toBe(secretOf(first.stdout));
    await waitFor(() => refreshLog(home).failed.length === 2, REFRESH_DEADLINE_MS, 'the second refresher to fail');
    expect(tokenCalls().map((c) => c.status)).toEqual([200, 400, 400]);

    // Under 5 minutes left: the get itself fetches, and answers with the new token.
    emulator.faults.deny = false;
    const short = await getAt(12 * HOUR - 4 * MINUTE);
    expect(tokenCalls().map((c) => c.status)).toEqual([200, 400, 400, 200]);
    expect(short).toMatchObject({ code: 0, stderr: '' });
    expect(secretOf(short.stdout)).toBe(emulator.issued[1]?.password);
    expect(refreshLog(home).started).toBe(2);
  });

  it('a kubelet request with the node identity is answered from the cache and refreshed in the background', async () => {
    const { home, at } = environment();
    const request = JSON.stringify({
      kind: 'CredentialProviderRequest',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      image: `${HOST}/team/app:1.0`,
    });
    const password = (out: { stdout: string }) => JSON.parse(out.stdout).auth[HOST].password;
    const first = await runProvider(['get-credentials'], request, at(0));
    expect(first).toMatchObject({ code: 0, stderr: '' });
    emulator.faults.delayMs = 3000;
    const due = await runProvider(['get-credentials'], request, at(7 * HOUR));
    expect(emulator.issued.length).toBe(1);
    expect(due).toMatchObject({ code: 0, stderr: '' });
    expect(password(due)).toBe(password(first));
    expect(await refreshersDone(home)).toMatchObject({ started: 1, refreshed: 1 });
    const next = await runProvider(['get-credentials'], request, at(7 * HOUR + 10 * MINUTE));
    expect(password(next)).toBe(emulator.issued[1]?.password);
    expect(tokenCalls()).toHaveLength(2);
  });

  it('AWS_ECR_BACKGROUND_REFRESH=false: a get past half-life fetches before answering, and starts nothing', async () => {
    const { home, getAt } = environment({ AWS_ECR_BACKGROUND_REFRESH: 'false' });
    expect((await getAt(0)).code).toBe(0);
    const due = await getAt(7 * HOUR);
    expect(tokenCalls()).toHaveLength(2);
    expect(secretOf(due.stdout)).toBe(emulator.issued[1]?.password);
    expect(refreshLog(home).started).toBe(0);
  });

  it('with the cache disabled, every get fetches and nothing is started', async () => {
    const { home, getAt } = environment({ AWS_ECR_DISABLE_CACHE: '1' });
    expect((await getAt(0)).code).toBe(0);
    expect((await getAt(7 * HOUR)).code).toBe(0);
    expect(tokenCalls()).toHaveLength(2);
    expect(refreshLog(home).started).toBe(0);
  });
});

describeWithSecretService('background refresh with the keychain backend (gnome-keyring on a private D-Bus session)', () => {
  const { session, it } = useSharedTestSession(() => emulator.reset());

  it('a get past half-life answers from the keychain; the refresher writes the new token there', async () => {
    const { home, at } = environment({ AWS_ECR_CACHE_BACKEND: 'keychain' });
    const env = (offsetMs: number) => ({ ...at(offsetMs), ...session.env });
    // A registry of its own: the keychain is shared by the session.
    const host = '444455556666.dkr.ecr.eu-west-2.amazonaws.com';
    const first = await runHelper(['get'], host, env(0));
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(fs.existsSync(path.join(home, '.ecr', 'tokens.json'))).toBe(false);
    emulator.faults.delayMs = 3000;
    const due = await runHelper(['get'], host, env(7 * HOUR));
    expect(emulator.issued.length).toBe(1);
    expect(due).toMatchObject({ code: 0, stderr: '' });
    expect(secretOf(due.stdout)).toBe(secretOf(first.stdout));
    expect(await refreshersDone(home)).toMatchObject({ started: 1, refreshed: 1, failed: [] });
    emulator.faults.delayMs = 0;
    const next = await runHelper(['get'], host, env(7 * HOUR + 10 * MINUTE));
    expect(secretOf(next.stdout)).toBe(emulator.issued[1]?.password);
    expect(tokenCalls()).toHaveLength(2);
    expect(fs.existsSync(path.join(home, '.ecr', 'tokens.json'))).toBe(false);
  });
});
