import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRefresherStarter, type Spawn } from '../../../src/entry/start-refresher';

/** A spawn that records what it was asked and returns a child with `pid` (undefined: it failed to start). */
function fakeSpawn(pid: number | undefined) {
  const calls: { file: string; args: readonly string[]; options: SpawnOptions }[] = [];
  const unrefs: number[] = [];
  const spawn: Spawn = (file, args, options) => {
    calls.push({ file, args, options });
    const child = Object.assign(new EventEmitter(), { pid, unref: () => unrefs.push(1) });
    return child as unknown as ChildProcess;
  };
  return { calls, unrefs, spawn };
}

describe('createRefresherStarter', () => {
  it('starts the program again, detached, in its hidden mode, with its streams on the null device and nothing waiting for it', () => {
    const fake = fakeSpawn(4242);
    const env = { HOME: '/home/u', AWS_PROFILE: 'p' };
    const start = createRefresherStarter(['/usr/bin/node', '/opt/x/bin/docker-credential-ecr-login'], env, fake.spawn);
    expect(start('https://123456789012.dkr.ecr.us-east-1.amazonaws.com')).toBe(true);
    expect(fake.calls).toEqual([
      {
        file: '/usr/bin/node',
        args: ['/opt/x/bin/docker-credential-ecr-login', '__refresh-token', 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com'],
        // Docker and kubelet read the helper's pipes to EOF: a child holding them would hold the client.
        options: { detached: true, stdio: 'ignore', windowsHide: true, env },
      },
    ]);
    expect(fake.unrefs).toEqual([1]);
  });

  it('the executable starts itself', () => {
    const fake = fakeSpawn(4242);
    createRefresherStarter(['/usr/local/bin/docker-credential-ecr-login'], {}, fake.spawn)('https://public.ecr.aws');
    expect(fake.calls[0]?.file).toBe('/usr/local/bin/docker-credential-ecr-login');
    expect(fake.calls[0]?.args).toEqual(['__refresh-token', 'https://public.ecr.aws']);
  });

  it('says it did not start when the spawn throws or leaves no pid (the caller then refreshes before answering)', () => {
    const throwing: Spawn = () => {
      throw Object.assign(new Error('spawn EAGAIN'), { code: 'EAGAIN' });
    };
    expect(createRefresherStarter(['/bin/x'], {}, throwing)('https://public.ecr.aws')).toBe(false);
    const failed = fakeSpawn(undefined);
    const start = createRefresherStarter(['/bin/x'], {}, failed.spawn);
    expect(start('https://public.ecr.aws')).toBe(false);
  });

  it('a spawn failure reported as an event later does not throw', () => {
    let child: EventEmitter | undefined;
    const spawn: Spawn = () => {
      child = Object.assign(new EventEmitter(), { pid: undefined, unref: () => undefined });
      return child as unknown as ChildProcess;
    };
    createRefresherStarter(['/bin/x'], {}, spawn)('https://public.ecr.aws');
    expect(() => child?.emit('error', new Error('spawn ENOENT'))).not.toThrow();
  });
});
