'use strict';
// Stand-in for graceful-fs in our bundles (the `alias` in build.mjs): proper-lockfile reaches
// node:fs through graceful-fs, whose queue for EMFILE retries a short-lived process with a
// handful of open files never needs, and whose set-up (it clones fs and loads node:stream,
// node:util, node:constants and node:assert) was ~2 ms of the lock chunk's ~3 ms load in the
// executable on a cold get. It does not patch the global fs (no gracefulify), so nothing
// else saw its retries.
module.exports = require('node:fs');
