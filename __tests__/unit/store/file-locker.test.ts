import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFileLocker } from '../../../src/store/file-locker';
import { createMemoryLogger } from '../../helpers/fakes';
import { makeTempDir } from '../../helpers/temp-dir';

describe('file locker', () => {
  it('gives a lock to one holder at a time and frees it on release', async () => {
    const dir = makeTempDir();
    const a = createFileLocker({ dir, logger: createMemoryLogger() });
    const b = createFileLocker({ dir, logger: createMemoryLogger() });
    const first = await a.tryLock('token-x');
    expect(first.status).toBe('acquired');
    expect((await b.tryLock('token-x')).status).toBe('busy');
    expect((await b.tryLock('token-y')).status).toBe('acquired');
    if (first.status === 'acquired') await first.release();
    expect((await b.tryLock('token-x')).status).toBe('acquired');
    expect(fs.statSync(path.join(dir, 'locks')).mode & 0o777).toBe(0o700);
  });

  it('takes over a lock whose holder died (not refreshed for longer than staleMs)', async () => {
    const dir = makeTempDir();
    fs.mkdirSync(path.join(dir, 'locks', 'token-x.lock'), { recursive: true });
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, 'locks', 'token-x.lock'), old, old);
    const locker = createFileLocker({ dir, logger: createMemoryLogger(), staleMs: 5000 });
    const attempt = await locker.tryLock('token-x');
    expect(attempt.status).toBe('acquired');
    if (attempt.status === 'acquired') await attempt.release();
  });

  it('reports locking as unavailable when the directory cannot be created', async () => {
    const base = makeTempDir();
    fs.writeFileSync(path.join(base, 'file'), '');
    const locker = createFileLocker({ dir: path.join(base, 'file', 'cache'), logger: createMemoryLogger() });
    expect(await locker.tryLock('token-x')).toEqual({ status: 'unavailable', reason: 'ENOTDIR' });
  });
});
