/**
 * `npm run bench`: speed figures as ratios against baselines measured in the same run, with
 * interleaved repetitions so machine noise hits both sides alike. Not a test: it prints.
 * Each figure for both builds: the Node entry (`node bin/docker-credential-ecr-login`, the npm
 * package) and the single-file executable (dist/docker-credential-ecr-login, `npm run package`;
 * left out, with a note, if it was not built).
 *   - cache-hit `get` vs `node -e 0` (the floor of any Node program), medians and ratio
 *   - cold `get` (fresh cache, one ECR call through the emulator) vs `node -e 0`
 *   - 24 concurrent cold `get`s: wall time and GetAuthorizationToken calls counted by the
 *     emulator, against 24 concurrent `node -e 0`, beside the same burst with the cache
 *     disabled (every process calls ECR)
 *   - a compiled Bun program that does nothing (the executable's floor), when Bun is installed
 *   - which of our files a cache hit loads on Node (the AWS SDK chunk must not be among them)
 * Children get only PATH, HOME and the emulator's settings: NODE_EXTRA_CA_CERTS, which adds
 * tens of milliseconds to every Node start, never reaches them.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEcrEmulator } from '../emulator/ecr-emulator';
import { COMPILE_FLAGS, findBun } from './find-bun';

// Runs as dist/dev/bench.js.
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'docker-credential-ecr-login');
const EXE = path.join(ROOT, 'dist', `docker-credential-ecr-login${process.platform === 'win32' ? '.exe' : ''}`);
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const BURST = 24;

/** A way to start a program: the baseline, or one of the two builds of the helper. */
type Command = readonly string[];
const BASELINE: Command = [process.execPath, '-e', '0'];

/**
 * Standard input as docker, skopeo and kubelet give it: a file descriptor the helper can read
 * without blocking (they pass a pipe). Not Node's `stdio: 'pipe'`, which is a socket: the
 * helper then falls back to the `process.stdin` stream (src/entry/process-io.ts), a few
 * milliseconds on Node and more on Bun, that no real client makes it pay. A file holding the
 * request takes the same path as a pipe.
 */
const inputFiles = new Map<string, string>();
let inputDir: string | undefined;
function inputFile(input: string): string {
  let file = inputFiles.get(input);
  if (!file) {
    inputDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-login-bench-input-'));
    file = path.join(inputDir, String(inputFiles.size));
    fs.writeFileSync(file, input);
    inputFiles.set(input, file);
  }
  return file;
}

function timeRun(
  command: Command,
  args: string[],
  input: string,
  env: Record<string, string>,
): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  const [file = process.execPath, ...prefix] = command;
  const stdin = fs.openSync(inputFile(input), 'r');
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...prefix, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: [stdin, 'pipe', 'pipe'] });
    fs.closeSync(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout, stderr }));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function freshHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-login-bench-'));
}

/** Runs `steps` in a rotated order each round, so none always goes first. */
async function interleave(rounds: number, steps: (() => Promise<unknown>)[]): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    for (let j = 0; j < steps.length; j += 1) await steps[(i + j) % steps.length]?.();
  }
}

/**
 * The floor of the executable: a Bun program compiled as `npm run package` compiles the helper
 * (scripts/package.mjs), that does nothing. What a cache hit costs beyond Bun's own start-up
 * is the difference. Undefined without the pinned Bun.
 */
function compileBunFloor(dir: string): Command | undefined {
  const found = findBun(ROOT);
  if ('error' in found) return undefined;
  const { bun } = found;
  fs.writeFileSync(path.join(dir, 'floor.js'), '0;\n');
  const out = path.join(dir, 'bun-floor');
  const build = spawnSync(bun, ['build', ...COMPILE_FLAGS, path.join(dir, 'floor.js'), `--outfile=${out}`], { stdio: 'ignore' });
  return build.status === 0 ? [out] : undefined;
}

async function main(): Promise<void> {
  const emulator = await startEcrEmulator();
  const homes: string[] = [];
  const home = (): string => {
    const h = freshHome();
    homes.push(h);
    return h;
  };
  const builds: { name: string; command: Command }[] = [{ name: 'Node entry', command: [process.execPath, BIN] }];
  if (fs.existsSync(EXE)) builds.push({ name: 'executable', command: [EXE] });
  const floor = builds.length > 1 ? compileBunFloor(home()) : undefined;
  try {
    const hitEnv = { HOME: home(), ...emulator.env() };
    for (const build of builds) {
      const warm = await timeRun(build.command, ['get'], HOST, hitEnv);
      if (warm.code !== 0) throw new Error(`warm-up get of the ${build.name} failed`);
    }
    const callsBefore = emulator.calls.length;

    // 1. Cache hit vs node -e 0, interleaved.
    const base: number[] = [];
    const floorRuns: number[] = [];
    const hit = builds.map(() => [] as number[]);
    await interleave(ROUNDS, [
      () => timeRun(BASELINE, [], '', hitEnv).then((r) => base.push(r.ms)),
      ...(floor ? [() => timeRun(floor, [], '', hitEnv).then((r) => floorRuns.push(r.ms))] : []),
      ...builds.map((build, b) => () => timeRun(build.command, ['get'], HOST, hitEnv).then((r) => hit[b]?.push(r.ms))),
    ]);
    const callsDuringHits = emulator.calls.length - callsBefore;

    // 2. Cold get: a fresh cache each time, interleaved with the baseline too.
    const coldBase: number[] = [];
    const cold = builds.map(() => [] as number[]);
    await interleave(Math.max(8, Math.floor(ROUNDS / 4)), [
      () => timeRun(BASELINE, [], '', hitEnv).then((r) => coldBase.push(r.ms)),
      ...builds.map(
        (build, b) => () => timeRun(build.command, ['get'], HOST, { HOME: home(), ...emulator.env() }).then((r) => cold[b]?.push(r.ms)),
      ),
    ]);

    // 3. Bursts of 24 concurrent cold gets: shared cache (single flight) vs cache disabled,
    // against a burst of 24 concurrent `node -e 0` (what the machine can start at once).
    const burst = async (command: Command, extra: Record<string, string>, args = ['get']) => {
      emulator.reset();
      const env = { HOME: home(), ...emulator.env(), ...extra };
      const started = process.hrtime.bigint();
      const results = await Promise.all(Array.from({ length: BURST }, () => timeRun(command, args, HOST, env)));
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const ok = results.filter((r) => r.code === 0).length;
      const failed = results.find((r) => r.code !== 0);
      if (failed && command !== BASELINE) console.error(`a get of a burst failed (exit ${failed.code}): ${failed.stdout}${failed.stderr}`);
      return { wall, ok, calls: emulator.calls.filter((c) => c.action === 'GetAuthorizationToken').length };
    };
    type Burst = Awaited<ReturnType<typeof burst>>;
    const baseBursts: Burst[] = [];
    const shared = builds.map(() => [] as Burst[]);
    const uncached = builds.map(() => [] as Burst[]);
    await interleave(3, [
      () => burst(BASELINE, {}, []).then((r) => baseBursts.push(r)),
      ...builds.map((build, b) => () => burst(build.command, {}).then((r) => shared[b]?.push(r))),
      ...builds.map((build, b) => () => burst(build.command, { AWS_ECR_DISABLE_CACHE: '1' }).then((r) => uncached[b]?.push(r))),
    ]);

    // 4. What a cache hit loads (the Node entry).
    const loadLog = path.join(home(), 'loaded.txt');
    const preload = path.join(home(), 'trace-loads.js');
    fs.writeFileSync(
      preload,
      `const M=require('module');const seen=[];const orig=M._load;M._load=function(r,p,m){const f=M._resolveFilename(r,p,m);if(!f.startsWith('node:')&&f.includes('/'))seen.push(require('path').relative(${JSON.stringify(ROOT)},f));return orig.apply(this,arguments)};process.on('exit',()=>require('fs').writeFileSync(${JSON.stringify(loadLog)},seen.join('\\n')));`,
    );
    await timeRun([process.execPath, '--require', preload, BIN], ['get'], HOST, hitEnv);
    const loaded = fs.readFileSync(loadLog, 'utf8').split('\n').filter(Boolean);

    const f = (n: number) => n.toFixed(1).padStart(7);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    const baseBurstWall = median(baseBursts.map((r) => r.wall));
    console.log(`docker-credential-ecr-login benchmark — node ${process.version}, ${os.cpus().length} cores, ${ROUNDS} interleaved rounds`);
    console.log(`node -e 0: median ${f(median(base))} ms (beside the hits), ${f(median(coldBase))} ms (beside the cold gets)`);
    console.log(`24 concurrent node -e 0: wall median ${f(baseBurstWall)} ms`);
    if (floor) {
      console.log(
        `a compiled Bun program that does nothing: median ${f(median(floorRuns))} ms, ratio ${ratio(median(floorRuns), median(base))} node -e 0`,
      );
    }
    console.log('');
    builds.forEach((build, b) => {
      const hits = hit[b] ?? [];
      const colds = cold[b] ?? [];
      console.log(`${build.name} (${build.command.map((part) => path.relative(ROOT, part) || part).join(' ')})`);
      console.log(`  cache-hit get         median ${f(median(hits))} ms   ratio ${ratio(median(hits), median(base))} node -e 0`);
      if (build.command[0] === EXE && floor) {
        console.log(`                        ${f(median(hits) - median(floorRuns))} ms over the compiled Bun program that does nothing`);
      }
      console.log(`  cold get (1 ECR call) median ${f(median(colds))} ms   ratio ${ratio(median(colds), median(coldBase))} node -e 0`);
      const fmtBurst = (runs: Burst[]) =>
        `wall median ${f(median(runs.map((r) => r.wall)))} ms (${ratio(median(runs.map((r) => r.wall)), baseBurstWall)} 24 x node -e 0), GetAuthorizationToken calls ${runs.map((r) => r.calls).join('/')}, succeeded ${runs.map((r) => r.ok).join('/')} of ${BURST}`;
      console.log(`  24 concurrent cold    ${fmtBurst(shared[b] ?? [])}`);
      console.log(`    same, cache off     ${fmtBurst(uncached[b] ?? [])}`);
    });
    if (builds.length === 1) console.log(`executable: not built (${path.relative(ROOT, EXE)}): \`npm run package\``);
    console.log(`\nAWS calls during the ${ROUNDS * builds.length} hits: ${callsDuringHits}`);
    console.log(`modules a cache hit on Node require()s (besides the bundle itself): ${[...new Set(loaded)].join(', ')}`);
    console.log(
      `a lazy chunk (AWS SDK, commander, proper-lockfile) loaded on a hit: ${loaded.some((l) => l.includes('vendor-') || l.includes('node_modules')) ? 'YES (regression)' : 'no'}`,
    );
  } finally {
    await emulator.close();
    for (const h of [...homes, ...(inputDir ? [inputDir] : [])]) fs.rmSync(h, { recursive: true, force: true });
  }
}

void main();
