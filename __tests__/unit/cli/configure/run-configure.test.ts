import * as fs from 'node:fs';
import * as path from 'node:path';
import { runConfigure } from '../../../../src/cli/configure/run-configure';
import { parseConfig } from '../../../../src/config';
import { ConfigError } from '../../../../src/errors';
import { createMemoryLocker, createMemoryLogger } from '../../../helpers/fakes';
import { hostProcessFacts } from '../../../helpers/host-fs';
import { makeTempDir } from '../../../helpers/temp-dir';

/** `configure --creds-store --config FILE` with a lock in memory and a probe that records what it saw. */
function credsStoreRun(text: string | undefined, probeAnswer: string | undefined) {
  const home = makeTempDir();
  const file = path.join(home, 'config.json');
  if (text !== undefined) fs.writeFileSync(file, text, { mode: 0o600 });
  const locker = createMemoryLocker();
  const probes: { lockTaken: boolean }[] = [];
  const ctx = {
    config: parseConfig({}, home),
    output: () => undefined,
    warn: () => undefined,
    ...hostProcessFacts(),
    lock: { locker, logger: createMemoryLogger(), now: () => Date.now() },
    probeKeychain: async () => {
      probes.push({ lockTaken: locker.attempts.length > 0 });
      return probeAnswer;
    },
  };
  const run = (extra: { force?: boolean; dryRun?: boolean } = {}) =>
    runConfigure({ registry: [], alias: [], credsStore: true, config: file, ...extra }, ctx);
  return { file, locker, probes, run };
}

describe('configure --creds-store: the keychain probe', () => {
  it('is asked before the configure lock is taken; no keychain: refused, the lock never taken, nothing written', async () => {
    const { file, locker, probes, run } = credsStoreRun('{}\n', 'no D-Bus session');
    await expect(run()).rejects.toThrow(ConfigError);
    await expect(run()).rejects.toThrow('not setting "credsStore": no OS keychain answers here (no D-Bus session)');
    expect(probes).toEqual([{ lockTaken: false }, { lockTaken: false }]);
    expect(locker.attempts).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe('{}\n');
  });

  it('a keychain that answers: asked once, before the lock; then written under it', async () => {
    const { file, locker, probes, run } = credsStoreRun('{}\n', undefined);
    await run();
    expect(probes).toEqual([{ lockTaken: false }]);
    expect(locker.attempts).toEqual(['configure']);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ credsStore: 'ecr-login' });
  });

  it.each([
    ['credsStore is ecr-login already', '{"credsStore": "ecr-login"}\n', {}],
    ['--force', '{}\n', { force: true }],
  ])('is not asked when %s', async (_what, text, extra) => {
    const { probes, run } = credsStoreRun(text, 'no D-Bus session');
    await run(extra);
    expect(probes).toEqual([]);
  });

  it("another helper's credsStore without --force: that refusal, the keychain not asked", async () => {
    const { probes, run } = credsStoreRun('{"credsStore": "desktop"}\n', 'no D-Bus session');
    await expect(run()).rejects.toThrow('not replacing "credsStore": "desktop"');
    expect(probes).toEqual([]);
  });

  it('asked under the lock when the file changed after the look before it (credsStore there then, gone now)', async () => {
    const { file, locker, probes, run } = credsStoreRun('{"credsStore": "ecr-login"}\n', 'no D-Bus session');
    const tryLock = locker.tryLock.bind(locker);
    locker.tryLock = async (name) => {
      fs.writeFileSync(file, '{}\n');
      return tryLock(name);
    };
    await expect(run()).rejects.toThrow('not setting "credsStore"');
    expect(probes).toEqual([{ lockTaken: true }]);
    expect(fs.readFileSync(file, 'utf8')).toBe('{}\n');
  });

  it('--dry-run: refused the same way', async () => {
    const { probes, run } = credsStoreRun(undefined, 'no D-Bus session');
    await expect(run({ dryRun: true })).rejects.toThrow('not setting "credsStore"');
    expect(probes).toEqual([{ lockTaken: false }]);
  });
});
