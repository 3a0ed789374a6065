import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigChangedError, loadConfigFile, saveConfigFile } from '../../../../src/cli/configure/config-file';
import { editClientConfig } from '../../../../src/cli/configure/edit-client-config';
import { planFileEdit, SETTLE_MS } from '../../../../src/cli/configure/plan-file-edit';
import { ConfigError } from '../../../../src/errors';
import { createFakeClock } from '../../../helpers/fakes';
import { hostFs } from '../../../helpers/host-fs';
import { makeTempDir } from '../../../helpers/temp-dir';

/*
 * configure and another program writing the same file: the waits run on a fake clock whose
 * sleeps move it, and "the other program" is whatever the test does at a chosen time.
 */

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const ORIGINAL = '{\n\t"auths": {\n\t\t"registry.gitlab.com": {}\n\t},\n\t"credsStore": "desktop"\n}\n';

function setup(content: string) {
  const dir = makeTempDir();
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, content, { mode: 0o600 });
  const clock = createFakeClock();
  const start = clock.now();
  const sleeps: number[] = [];
  /** What "the other program" does once the clock has reached `atMs` past the start. */
  const events: { atMs: number; act: () => void }[] = [];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
    clock.advance(ms);
    for (const event of events.splice(0)) {
      if (clock.now() - start >= event.atMs) event.act();
      else events.push(event);
    }
  };
  const plan = () =>
    planFileEdit(
      () => loadConfigFile(file, { followLink: true, fsPlatform: hostFs() }),
      (loaded) => editClientConfig(loaded.text, { hosts: [ECR], allEcr: false, credsStore: false }, loaded.path),
      { now: clock.now, sleep },
      start + SETTLE_MS,
    );
  return { dir, file, events, sleeps, plan };
}

describe('planFileEdit: a file another program is rewriting in place', () => {
  it('an empty file is read again until it has content, and the edit is planned from that', async () => {
    const { file, events, sleeps, plan } = setup('');
    events.push({ atMs: 1500, act: () => fs.writeFileSync(file, ORIGINAL) });
    const planned = await plan();
    expect(planned.file.text).toBe(ORIGINAL);
    expect(JSON.parse(planned.text)).toEqual({ ...JSON.parse(ORIGINAL), credHelpers: { [ECR]: 'ecr-login' } });
    expect(sleeps).toEqual(Array(30).fill(50));
  });

  it('an empty file that stays empty is refused after 3 s with one line, and nothing is written', async () => {
    const { dir, file, sleeps, plan } = setup('');
    await expect(plan()).rejects.toThrow(
      new ConfigError(
        `not changing ${file}: it is empty, and stayed so for 3 s (another program may be rewriting it); nothing written: run configure again, or remove the file if it is meant to be empty`,
      ),
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(SETTLE_MS);
    expect(fs.readdirSync(dir)).toEqual(['config.json']);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
  });

  it('a document cut short that is finished meanwhile is read again', async () => {
    const { file, events, sleeps, plan } = setup(ORIGINAL.slice(0, 20));
    events.push({ atMs: 50, act: () => fs.writeFileSync(file, ORIGINAL) });
    expect((await plan()).file.text).toBe(ORIGINAL);
    expect(sleeps).toEqual([50]);
  });

  it('a broken document that stays as it is is refused after one more look', async () => {
    const { file, sleeps, plan } = setup('{\n\t"auths": {},\n}\n');
    await expect(plan()).rejects.toThrow(`cannot parse ${file}: `);
    expect(sleeps).toEqual([50]);
  });

  it('a missing file is planned at once (created)', async () => {
    const { file, sleeps, plan } = setup('');
    fs.rmSync(file);
    expect((await plan()).file.text).toBeUndefined();
    expect(sleeps).toEqual([]);
  });
});

describe('saveConfigFile: only over the file as it was read', () => {
  it('writes the file and a backup of it exactly as read', () => {
    const { file, dir } = setup(ORIGINAL);
    const loaded = loadConfigFile(file, { followLink: true, fsPlatform: hostFs() });
    expect(saveConfigFile(loaded, '{}\n')).toBe(`${file}.bak`);
    expect(fs.readFileSync(file, 'utf8')).toBe('{}\n');
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe(ORIGINAL);
    expect(fs.readdirSync(dir).sort()).toEqual(['config.json', 'config.json.bak']);
  });

  it.each([
    ['truncated', (file: string) => fs.truncateSync(file, 0)],
    [
      'rewritten in place with other bytes of the same length',
      (file: string) => fs.writeFileSync(file, ORIGINAL.replace('desktop', 'DESKTOP')),
    ],
    ['rewritten in place with the same bytes', (file: string) => fs.writeFileSync(file, ORIGINAL)],
    [
      'replaced by a rename',
      (file: string) => {
        fs.writeFileSync(`${file}.new`, ORIGINAL);
        fs.renameSync(`${file}.new`, file);
      },
    ],
    ['removed', (file: string) => fs.rmSync(file)],
  ])('refuses when the file was %s since it was read: nothing written, no backup, no temp file', async (_what, change) => {
    const { file, dir } = setup(ORIGINAL);
    fs.writeFileSync(`${file}.bak`, 'the backup of an earlier change');
    const loaded = loadConfigFile(file, { followLink: true, fsPlatform: hostFs() });
    // Past the kernel's coarse timestamp tick, so that a rewrite with the same bytes shows in mtime and ctime.
    await new Promise((resolve) => setTimeout(resolve, 20));
    change(file);
    const after = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    expect(() => saveConfigFile(loaded, '{}\n')).toThrow(ConfigChangedError);
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined).toBe(after);
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe('the backup of an earlier change');
    expect(fs.readdirSync(dir).sort()).toEqual([...(after === undefined ? [] : ['config.json']), 'config.json.bak']);
  });

  it('a new file that appeared meanwhile is not overwritten', () => {
    const { file } = setup('');
    fs.rmSync(file);
    const loaded = loadConfigFile(file, { followLink: true, fsPlatform: hostFs() });
    fs.writeFileSync(file, ORIGINAL);
    expect(() => saveConfigFile(loaded, '{}\n')).toThrow(new ConfigChangedError(file));
    expect(fs.readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });
});
