'use strict';
// `npm run bench`'s lower bound for a cache hit on a runtime: the least any program must do to
// answer `get` from this helper's cache — read the request, open the cache file without
// following a link, read and parse it, find an unexpired entry for the host, write the answer —
// and none of the rules the helper keeps on a hit (the settings file, the identity fingerprint
// and its salted key, whose the directory and its ancestors are, the entry's plausibility, the
// command deadline, the log). Run by Node as it is and compiled by Bun as the helper is; not
// part of the helper. docs/performance.md ("Fourth pass") says what it shows.
const fs = require('node:fs');

const request = Buffer.alloc(4096);
const host = request
  .subarray(0, fs.readSync(0, request, 0, request.length, null))
  .toString('utf8')
  .trim();
const fd = fs.openSync(`${process.env.HOME}/.ecr/tokens.json`, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
const bytes = Buffer.alloc(fs.fstatSync(fd).size);
fs.readSync(fd, bytes, 0, bytes.length, 0);
fs.closeSync(fd);
const now = Date.now();
const entry = Object.values(JSON.parse(bytes.toString('utf8')).entries ?? {}).find((e) => e.host === host && e.expiresAt > now);
if (!entry) {
  fs.writeSync(1, 'credentials not found in native keychain\n');
  process.exit(1);
}
fs.writeSync(1, `${JSON.stringify({ ServerURL: host, Username: entry.username, Secret: entry.password })}\n`);
