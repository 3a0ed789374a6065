import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDirectoryWaiter } from '../../../src/lock/watch-directory';
import { makeTempDir } from '../../helpers/temp-dir';
import { waitFor } from '../../helpers/wait-for';

/*
 * The waiter of processes that wait for a lock: a change in the directory ends a wait at once.
 * The waits below are given an hour; the test's own time limit (jest.config.js) is the
 * deadline that a missed change would run into.
 */

const HOUR = 3600_000;

/** Whether `promise` settled by the time the event loop has gone round once more. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('createDirectoryWaiter', () => {
  it('a lock directory removed (a holder releasing) ends the wait', async () => {
    const dir = makeTempDir();
    fs.mkdirSync(path.join(dir, 'a.lock'));
    const changes = createDirectoryWaiter(dir);
    expect(changes.watch()).toBe(true);
    const waiting = changes.wait(HOUR);
    expect(await settled(waiting)).toBe(false);
    fs.rmdirSync(path.join(dir, 'a.lock'));
    await waiting;
  });

  it('a change while nobody waits ends the next wait at once', async () => {
    const dir = makeTempDir();
    const changes = createDirectoryWaiter(dir);
    changes.watch();
    // The test's own watcher tells when the event has reached this process (FSEvents on macOS
    // delivers it tens of milliseconds later); the waiter's arrives with it.
    let seen = 0;
    const witness = fs.watch(dir, () => {
      seen += 1;
    });
    try {
      fs.mkdirSync(path.join(dir, 'b.lock'));
      await waitFor(() => seen > 0, 10_000, 'the change to be reported');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await settled(changes.wait(HOUR))).toBe(true);
    } finally {
      witness.close();
    }
  });

  it('without a change, a wait lasts its time; a directory that cannot be watched says so and leaves the timer', async () => {
    const dir = makeTempDir();
    const quiet = createDirectoryWaiter(dir);
    const long = quiet.wait(HOUR);
    expect(await settled(long)).toBe(false);
    await quiet.wait(20);
    expect(await settled(long)).toBe(false);
    // Ends the hour's wait (and its timer).
    fs.mkdirSync(path.join(dir, 'c.lock'));
    await long;
    const missing = createDirectoryWaiter(path.join(makeTempDir(), 'no-such-dir'));
    expect(missing.watch()).toBe(false);
    const short = missing.wait(200);
    expect(await settled(short)).toBe(false);
    await short;
  });
});
