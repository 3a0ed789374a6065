import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { useEmulator } from '../helpers/emulator-fixture';
import { withPreload } from '../helpers/preload/env';
import { runHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Token lifetimes over hours, in seconds of test time: the test moves one clock for the
 * emulator (token expiry, signature time checks) and for the helper processes (a preload that
 * shifts Date.now), so the helper sees a 12-hour token age as it would in real life.
 * These hold the rules of a refresh before the answer, so background refresh is off here
 * (AWS_ECR_BACKGROUND_REFRESH=false; a get also refreshes first when it cannot start a
 * refresher): background-refresh.test.ts holds the rules with it on.
 */

const HOST = '123456789012.dkr.ecr.eu-west-2.amazonaws.com';
const NOT_FOUND = 'credentials not found in native keychain\n';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const emulator = useEmulator();

function environment() {
  const home = makeTempDir();
  const base = { HOME: home, ...emulator.env(), AWS_ECR_BACKGROUND_REFRESH: 'false' };
  /** Runs `get` (for `host`, default HOST) at `offsetMs` past the test's start, on both clocks. */
  const getAt = (offsetMs: number, host = HOST) => {
    emulator.faults.clockOffsetMs = offsetMs;
    return runHelper(['get'], host, withPreload(base, 'shift-clock', { TEST_CLOCK_OFFSET_MS: String(offsetMs) }));
  };
  return { home, getAt };
}

const tokenCalls = () => emulator.calls.filter((c) => c.action === 'GetAuthorizationToken');
const secretOf = (stdout: string): unknown => JSON.parse(stdout).Secret;

describe('token lifetimes', () => {
  it('serves a token from the cache for half its lifetime, then fetches a new one', async () => {
    const { getAt } = environment();
    const first = await getAt(0);
    const before = await getAt(6 * HOUR - MINUTE);
    expect(tokenCalls()).toHaveLength(1);
    expect(secretOf(before.stdout)).toBe(secretOf(first.stdout));
    const after = await getAt(6 * HOUR + MINUTE);
    expect(after.code).toBe(0);
    expect(tokenCalls()).toHaveLength(2);
    expect(secretOf(after.stdout)).toBe(emulator.issued[1]?.password);
    expect(secretOf(after.stdout)).not.toBe(secretOf(first.stdout));
  });

  it('when a refresh fails and the cached token is still good, serves it with one warning', async () => {
    const { getAt } = environment();
    const first = await getAt(0);
    const issued = emulator.issued[0];
    emulator.faults.deny = true;
    const out = await getAt(7 * HOUR);
    expect(out.code).toBe(0);
    expect(secretOf(out.stdout)).toBe(secretOf(first.stdout));
    expect(tokenCalls().map((c) => c.status)).toEqual([200, 400]);
    expect(out.stderr).toBe(
      `ecr-login: refreshing the token for ${HOST} failed (access denied for ${HOST}: ${TEST_CREDENTIALS.allowed.principalArn} is not allowed ` +
        `to call ecr:GetAuthorizationToken; grant it in an IAM policy (resource "*") or use another profile); using the cached token, ` +
        `valid until ${issued?.expiresAt.toISOString()}\n`,
    );
  });

  it('never serves a cached token with less than 5 minutes left: a failed refresh is then not-found with the reason', async () => {
    const { getAt } = environment();
    await getAt(0);
    emulator.faults.deny = true;
    const out = await getAt(12 * HOUR - 4 * MINUTE);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe(NOT_FOUND);
    expect(out.stderr).toBe(
      `ecr-login: access denied for ${HOST}: ${TEST_CREDENTIALS.allowed.principalArn} is not allowed to call ecr:GetAuthorizationToken; ` +
        'grant it in an IAM policy (resource "*") or use another profile\n',
    );
  });

  it('just over 5 minutes left is still good: a cached token at 11 h 54 min with a failing refresh is served', async () => {
    const { getAt } = environment();
    const first = await getAt(0);
    emulator.faults.deny = true;
    const out = await getAt(12 * HOUR - 6 * MINUTE);
    expect(out.code).toBe(0);
    expect(secretOf(out.stdout)).toBe(secretOf(first.stdout));
    expect(out.stderr).toMatch(
      /^ecr-login: refreshing the token for .* failed \(access denied .*\); using the cached token, valid until .*\n$/,
    );
  });

  it('after a clock correction, a cache full of entries written 10 h ahead still takes new tokens: 3 gets cost 3 calls, then none', async () => {
    const { getAt, home } = environment();
    // While the clock runs 10 h fast, the cache fills up: one real entry, and 63 more like it
    // (other identities' entries look the same: hashed keys, the same times).
    expect((await getAt(10 * HOUR)).code).toBe(0);
    const cache = path.join(home, '.ecr', 'tokens.json');
    const doc = JSON.parse(fs.readFileSync(cache, 'utf8')) as { entries: Record<string, { host: string }> };
    const [written] = Object.values(doc.entries);
    for (let i = 1; i < 64; i += 1)
      doc.entries[`${i}`.padStart(40, '0')] = { ...written, host: `9${`${i}`.padStart(11, '0')}.dkr.ecr.eu-west-2.amazonaws.com` };
    fs.writeFileSync(cache, JSON.stringify(doc), { mode: 0o600 });
    // The clock corrected: those entries now read as issued in the future, and are never used.
    const hosts = ['210987654321', '111122223333', '444455556666'].map((account) => `${account}.dkr.ecr.eu-west-2.amazonaws.com`);
    for (const host of hosts) expect(await getAt(0, host)).toMatchObject({ code: 0, stderr: '' });
    expect(tokenCalls()).toHaveLength(1 + 3);
    for (const host of hosts) expect(await getAt(0, host)).toMatchObject({ code: 0, stderr: '' });
    expect(tokenCalls()).toHaveLength(1 + 3);
    expect(Object.keys((JSON.parse(fs.readFileSync(cache, 'utf8')) as typeof doc).entries)).toHaveLength(64);
  });

  it('a fresh token with 6 minutes of life is served', async () => {
    emulator.faults.tokenLifetimeSeconds = 6 * 60;
    const { getAt } = environment();
    const out = await getAt(0);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(secretOf(out.stdout)).toBe(emulator.issued[0]?.password);
  });

  it('a token that ECR hands out with less than 5 minutes of life is neither served nor cached', async () => {
    emulator.faults.tokenLifetimeSeconds = 240;
    const { getAt, home } = environment();
    const out = await getAt(0);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe(NOT_FOUND);
    const expiry = emulator.issued[0]?.expiresAt.toISOString() ?? 'missing';
    expect(out.stderr).toMatch(
      new RegExp(
        `^ecr-login: ECR returned a token for ${HOST.replace(/\./g, '\\.')} that expires at ${expiry.replace(/\./g, '\\.')} \\(2[34]\\d s from now\\), too soon to use: check the system clock\\n$`,
      ),
    );
    expect(fs.existsSync(path.join(home, '.ecr', 'tokens.json'))).toBe(false);
    emulator.faults.tokenLifetimeSeconds = 12 * 3600;
    expect((await getAt(0)).code).toBe(0);
    expect(tokenCalls()).toHaveLength(2);
  });
});
