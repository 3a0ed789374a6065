/**
 * `npm run bench`: speed figures as ratios against baselines measured in the same run, with
 * interleaved repetitions so machine noise hits both sides alike. Not a test: it prints.
 *   - cache-hit `get` vs `node -e 0` (the floor of any Node program), medians and ratio
 *   - cold `get` (fresh cache, one ECR call through the emulator)
 *   - 24 concurrent cold `get`s: wall time and GetAuthorizationToken calls counted by the
 *     emulator, beside the same burst with the cache disabled (every process calls ECR)
 *   - which of our files a cache hit loads (the AWS SDK chunk must not be among them)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEcrEmulator } from '../emulator/ecr-emulator';

// Runs as dist/dev/bench.js.
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'docker-credential-ecr-login');
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);

function timeRun(args: string[], input: string, env: Record<string, string>): Promise<{ ms: number; code: number | null; stdout: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout }));
    child.stdin.end(input);
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

async function main(): Promise<void> {
  const emulator = await startEcrEmulator();
  const homes: string[] = [];
  const home = (): string => {
    const h = freshHome();
    homes.push(h);
    return h;
  };
  try {
    const hitEnv = { HOME: home(), ...emulator.env() };
    const warm = await timeRun([BIN, 'get'], HOST, hitEnv);
    if (warm.code !== 0) throw new Error('warm-up get failed');

    // 1. Cache hit vs node -e 0, interleaved, alternating which goes first.
    const base: number[] = [];
    const hit: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const runBase = () => timeRun(['-e', '0'], '', hitEnv).then((r) => base.push(r.ms));
      const runHit = () => timeRun([BIN, 'get'], HOST, hitEnv).then((r) => hit.push(r.ms));
      if (i % 2 === 0) {
        await runBase();
        await runHit();
      } else {
        await runHit();
        await runBase();
      }
    }
    const callsAfterHits = emulator.calls.length;

    // 2. Cold get: a fresh cache each time, interleaved with the baseline too.
    const cold: number[] = [];
    const coldBase: number[] = [];
    for (let i = 0; i < Math.max(8, Math.floor(ROUNDS / 4)); i += 1) {
      cold.push((await timeRun([BIN, 'get'], HOST, { HOME: home(), ...emulator.env() })).ms);
      coldBase.push((await timeRun(['-e', '0'], '', hitEnv)).ms);
    }

    // 3. Bursts of 24 concurrent cold gets: shared cache (single flight) vs cache disabled.
    const burst = async (extra: Record<string, string>) => {
      emulator.reset();
      const env = { HOME: home(), ...emulator.env(), ...extra };
      const started = process.hrtime.bigint();
      const results = await Promise.all(Array.from({ length: 24 }, () => timeRun([BIN, 'get'], HOST, env)));
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const ok = results.filter((r) => r.code === 0).length;
      return { wall, ok, calls: emulator.calls.filter((c) => c.action === 'GetAuthorizationToken').length };
    };
    const shared = [await burst({}), await burst({}), await burst({})];
    const uncached = [
      await burst({ AWS_ECR_DISABLE_CACHE: '1' }),
      await burst({ AWS_ECR_DISABLE_CACHE: '1' }),
      await burst({ AWS_ECR_DISABLE_CACHE: '1' }),
    ];

    // 4. What a cache hit loads.
    const loadLog = path.join(home(), 'loaded.txt');
    const preload = path.join(home(), 'trace-loads.js');
    fs.writeFileSync(
      preload,
      `const M=require('module');const seen=[];const orig=M._load;M._load=function(r,p,m){const f=M._resolveFilename(r,p,m);if(!f.startsWith('node:')&&f.includes('/'))seen.push(require('path').relative(${JSON.stringify(ROOT)},f));return orig.apply(this,arguments)};process.on('exit',()=>require('fs').writeFileSync(${JSON.stringify(loadLog)},seen.join('\\n')));`,
    );
    await timeRun(['--require', preload, BIN, 'get'], HOST, hitEnv);
    const loaded = fs.readFileSync(loadLog, 'utf8').split('\n').filter(Boolean);

    const f = (n: number) => n.toFixed(1).padStart(7);
    console.log(
      `docker-credential-ecr-login benchmark — node ${process.version}, ${os.cpus().length} cores, ${ROUNDS} interleaved rounds\n`,
    );
    console.log(
      `cache-hit get         median ${f(median(hit))} ms   node -e 0 median ${f(median(base))} ms   ratio ${(median(hit) / median(base)).toFixed(2)}x`,
    );
    console.log(`                      (AWS calls during ${ROUNDS} hits: ${callsAfterHits - 1})`);
    console.log(
      `cold get (1 ECR call) median ${f(median(cold))} ms   node -e 0 median ${f(median(coldBase))} ms   ratio ${(median(cold) / median(coldBase)).toFixed(2)}x`,
    );
    const fmtBurst = (runs: typeof shared) =>
      `wall median ${f(median(runs.map((r) => r.wall)))} ms, GetAuthorizationToken calls ${runs.map((r) => r.calls).join('/')}, succeeded ${runs.map((r) => r.ok).join('/')} of 24`;
    console.log(`24 concurrent cold    ${fmtBurst(shared)}`);
    console.log(`  same, cache off     ${fmtBurst(uncached)}`);
    console.log(`modules a cache hit require()s (besides the bundle itself): ${[...new Set(loaded)].join(', ')}`);
    console.log(
      `a lazy chunk (AWS SDK, commander, proper-lockfile) loaded on a hit: ${loaded.some((l) => l.includes('vendor-') || l.includes('node_modules')) ? 'YES (regression)' : 'no'}`,
    );
  } finally {
    await emulator.close();
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  }
}

void main();
