'use strict';
// The targets `npm run package -- --target <name>` builds for (scripts/package.mjs), each with
// the npm packages that carry what the executable is made of there: Bun's runtime for it
// (@oven/bun-…, the file `bun build --compile` copies and appends the program to) and the
// platform npm selects for @napi-rs/keyring's addon (`--os`, `--cpu`, `--libc`), so that the
// executable embeds the addon of the machine it will run on, not of the one that built it.
//
// Names are Bun's (`bun build --target`). `baseline` runtimes need only x86-64-v2 (SSE4.2);
// the others use AVX2 and die with SIGILL on a CPU without it, and under emulators that lack
// it (Rosetta 2 before macOS 15, Windows on Arm before 24H2). `musl` runtimes run on Alpine
// (with `apk add libstdc++`); the others need glibc.

/** Bun's target name -> the runtime package and the npm platform of the keyring addon. */
const TARGETS = {
  'bun-linux-x64': { runtime: '@oven/bun-linux-x64', os: 'linux', cpu: 'x64', libc: 'glibc' },
  'bun-linux-x64-baseline': { runtime: '@oven/bun-linux-x64-baseline', os: 'linux', cpu: 'x64', libc: 'glibc' },
  'bun-linux-x64-musl': { runtime: '@oven/bun-linux-x64-musl', os: 'linux', cpu: 'x64', libc: 'musl' },
  'bun-linux-x64-musl-baseline': { runtime: '@oven/bun-linux-x64-musl-baseline', os: 'linux', cpu: 'x64', libc: 'musl' },
  'bun-linux-arm64': { runtime: '@oven/bun-linux-aarch64', os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'bun-linux-arm64-musl': { runtime: '@oven/bun-linux-aarch64-musl', os: 'linux', cpu: 'arm64', libc: 'musl' },
  'bun-darwin-arm64': { runtime: '@oven/bun-darwin-aarch64', os: 'darwin', cpu: 'arm64' },
  'bun-darwin-x64': { runtime: '@oven/bun-darwin-x64', os: 'darwin', cpu: 'x64' },
  'bun-darwin-x64-baseline': { runtime: '@oven/bun-darwin-x64-baseline', os: 'darwin', cpu: 'x64' },
  'bun-windows-x64': { runtime: '@oven/bun-windows-x64', os: 'win32', cpu: 'x64' },
  'bun-windows-x64-baseline': { runtime: '@oven/bun-windows-x64-baseline', os: 'win32', cpu: 'x64' },
};

/**
 * What building for `name` takes, or `{ error }` naming the targets there are. `aarch64` is
 * taken for `arm64` (npm's packages say aarch64, Bun's targets arm64).
 */
function parseCompileTarget(name) {
  const target = String(name)
    .trim()
    .toLowerCase()
    .replace(/-aarch64(?=-|$)/, '-arm64');
  const found = Object.hasOwn(TARGETS, target) ? TARGETS[target] : undefined;
  if (!found) return { error: `unknown target "${name}"; one of: ${Object.keys(TARGETS).join(', ')}` };
  return {
    target,
    runtime: found.runtime,
    npmPlatform: { os: found.os, cpu: found.cpu, ...(found.libc ? { libc: found.libc } : {}) },
    exe: found.os === 'win32' ? '.exe' : '',
  };
}

module.exports = { parseCompileTarget, COMPILE_TARGETS: Object.keys(TARGETS) };
