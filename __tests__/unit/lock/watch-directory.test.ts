import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDirectoryWaiter } from '../../../src/lock/watch-directory';
import { makeTempDir } from '../../helpers/temp-dir';

/*
 * The waiter of processes that wait for a lock: a change in the directory ends a wait at once.
 * The waits below are given an hour; the test's own time limit (jest's 5 s) is the deadline
 * that a missed change would run into.
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
    const wait = createDirectoryWaiter(dir);
    const waiting = wait(HOUR);
    expect(await settled(waiting)).toBe(false);
    fs.rmdirSync(path.join(dir, 'a.lock'));
    await waiting;
  });

  it('a change between two waits ends the next one at once', async () => {
    const dir = makeTempDir();
    const wait = createDirectoryWaiter(dir);
    const first = wait(HOUR);
    fs.mkdirSync(path.join(dir, 'b.lock'));
    await first;
    fs.rmdirSync(path.join(dir, 'b.lock'));
    // The removal's event arrives while nobody waits: remembered for the next wait.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await settled(wait(HOUR))).toBe(true);
  });

  it('without a change, a wait lasts its time; a directory that cannot be watched leaves the timer', async () => {
    const dir = makeTempDir();
    const quiet = createDirectoryWaiter(dir);
    const long = quiet(HOUR);
    expect(await settled(long)).toBe(false);
    await quiet(20);
    expect(await settled(long)).toBe(false);
    // Ends the hour's wait (and its timer).
    fs.mkdirSync(path.join(dir, 'c.lock'));
    await long;
    const missing = createDirectoryWaiter(path.join(makeTempDir(), 'no-such-dir'));
    const short = missing(200);
    expect(await settled(short)).toBe(false);
    await short;
  });
});
