'use strict';
// Test preload (NODE_OPTIONS=--require; BUN_OPTIONS=--preload for the executable): stops the
// helper at a chosen point inside a cache write, so a test can SIGKILL it exactly there.
// TEST_PAUSE_AT names the point:
//   lock-acquired:N  right after this process took its N-th lock (1: the token lock of a
//                    miss, 2: the cache write lock)
//   temp-created     right after the cache's temp file was created (still empty)
//   before-rename    temp file written and fsynced, just before it replaces tokens.json
// On reaching it, the process creates the file TEST_PAUSE_MARKER and blocks its whole thread
// — as a stalled process would: no timers, no lock refreshes — for TEST_PAUSE_MS (default
// 60 s), then carries on. Used by __tests__/integration/concurrency.test.ts through helpers/preload/env.ts.
const fs = require('node:fs');
const point = process.env.TEST_PAUSE_AT || '';
const marker = process.env.TEST_PAUSE_MARKER || '';

function pause() {
  fs.writeFileSync(marker, String(process.pid));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.TEST_PAUSE_MS || 60_000));
}

// Either separator: the paths are Windows' own there.
const TEMP = /[\\/]tokens\.json\.[0-9a-f]{16}$/;
const CACHE = /[\\/]tokens\.json$/;

if (point === 'temp-created') {
  const openSync = fs.openSync;
  fs.openSync = function (path, ...rest) {
    const fd = openSync.call(this, path, ...rest);
    if (TEMP.test(String(path))) pause();
    return fd;
  };
}

if (point === 'before-rename') {
  const renameSync = fs.renameSync;
  fs.renameSync = function (from, to) {
    if (TEMP.test(String(from)) && CACHE.test(String(to))) pause();
    return renameSync.call(this, from, to);
  };
}

const lockAt = /^lock-acquired:(\d+)$/.exec(point);
if (lockAt) {
  // proper-lockfile takes a lock by creating `<name>.lock` with fs.mkdir.
  let taken = 0;
  const mkdir = fs.mkdir;
  fs.mkdir = function (path, ...rest) {
    const callback = rest.pop();
    return mkdir.call(this, path, ...rest, (error, ...results) => {
      if (!error && String(path).endsWith('.lock')) {
        taken += 1;
        if (taken === Number(lockAt[1])) pause();
      }
      callback(error, ...results);
    });
  };
}
