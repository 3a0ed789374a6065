/**
 * `node dist/dev/profile.js [runs] [--top]` (after `npm run package`): where the time of a `get` goes,
 * from CPU profiles rather than guesses — the numbers behind docs/performance.md. Each case
 * runs `runs` times (default 15) against the ECR emulator with the runtime's sampling profiler
 * on at 100 µs (Node: `--cpu-prof`; the executable: Bun's `--cpu-prof` through BUN_OPTIONS,
 * which a compiled Bun program reads as bun does). Every sample is put in a phase by the
 * frames on its stack (PHASES: the frame nearest the leaf that a rule names decides), and
 * the medians over the runs are printed: per phase, beside the process's wall time as the
 * parent saw it. The time before the first sample and after the last is the runtime's start
 * and exit (on Node the profile's clock is the parent's, CLOCK_MONOTONIC, so they are told
 * apart; on Bun they are one figure). The profiler costs time too: wall times here are a few
 * ms above `npm run bench`'s.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEcrEmulator } from '../emulator/ecr-emulator';

// Runs as dist/dev/profile.js.
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'docker-credential-ecr-login');
const EXE = path.join(ROOT, 'dist', 'docker-credential-ecr-login');
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const RUNS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 15);
const INTERVAL_US = 100;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const RUNTIME = 'runtime (bootstrap, GC, builtins)';
const OURS = /docker-credential-ecr-login\.js/;
const SDK = /vendor-aws-sdk\.js/;
const LOCK = /vendor-proper-lockfile\.js/;
const sdkFrame = (f: CallFrame, name: RegExp) => SDK.test(f.url) && name.test(f.functionName);
/** A module's top level: the chunk's own (''), or an esbuild module wrapper (named by the module's path). */
const isModuleInit = (f: CallFrame) =>
  f.functionName === '' || f.functionName === 'module code' || /node_modules\/|^src\//.test(f.functionName);

/**
 * Phases, in this order: a sample takes the first whose rule holds for its stack (frames leaf
 * first). Names are the bundles' own (esbuild keeps identifiers).
 */
const PHASES: { phase: string; matches: (stack: CallFrame[]) => boolean }[] = [
  { phase: 'request (wait for the answer)', matches: (s) => /^\(idle\)$/.test(s[0]?.functionName ?? '') },
  // bin/ compiles the bundle with a V8 code cache (node:vm Script, createCachedData).
  {
    phase: 'bundle load/parse',
    matches: (s) => s.some((f) => (f.functionName === 'Script' && f.url === 'node:vm') || f.functionName === 'createCachedData'),
  },
  // Node's own start: its bootstrap, before and around the main module.
  { phase: RUNTIME, matches: (s) => s.some((f) => /pre_execution|run_main_module/.test(f.url)) && !s.some((f) => OURS.test(f.url)) },
  { phase: 'SDK chunk load', matches: (s) => s.some((f) => SDK.test(f.url) && isModuleInit(f)) },
  {
    phase: 'credential chain',
    matches: (s) =>
      s.some((f) =>
        sdkFrame(f, /fromEnv|fromIni|defaultProvider|fromNodeProviderChain|[cC]redential|loadSharedConfigFiles|resolveProfileData|chain/),
      ),
  },
  {
    phase: 'client construction',
    matches: (s) =>
      s.some((f) => sdkFrame(f, /ECRClient|ECRPUBLICClient|STSClient|^_?Client\d*$|^resolve\w*Config\d*$|getRuntimeConfig|constructStack/)),
  },
  {
    phase: 'request (build, sign, send, parse)',
    matches: (s) =>
      s.some(
        (f) => SDK.test(f.url) || /^node:(_http|http|https|net|tls)/.test(f.url) || /^(doConnect|internalConnect)$/.test(f.functionName),
      ),
  },
  { phase: 'lock chunk load (proper-lockfile)', matches: (s) => s.some((f) => LOCK.test(f.url) && isModuleInit(f)) },
  {
    phase: 'node:* modules load',
    matches: (s) =>
      s.some(
        (f) =>
          /^(compileForInternalLoader|requireBuiltin)$/.test(f.functionName) ||
          (/^(node|internal):/.test(f.url) && (f.functionName === '' || /^(node|internal):/.test(f.functionName))),
      ),
  },
  {
    phase: 'cache (read; lock, write on a miss)',
    matches: (s) =>
      s.some(
        (f) =>
          (OURS.test(f.url) || LOCK.test(f.url)) &&
          /Store|CacheDocument|EntryKey|TokenText|pruneEntries|isFresh|hasTimeLeft|isUsable|fetchAndStore|[lL]ock|writeTempFile|writeFile|[dD]irectory|RetryOperation/.test(
            f.functionName,
          ),
      ),
  },
  {
    phase: 'config',
    matches: (s) =>
      s.some((f) => OURS.test(f.url) && /parseConfig|[sS]ettings|createServices|selectRegistry|selectAlias/.test(f.functionName)),
  },
  {
    phase: 'bundle load/parse',
    matches: (s) => {
      const leaf = s.find((f) => OURS.test(f.url));
      return leaf !== undefined && isModuleInit(leaf);
    },
  },
  { phase: 'our code, other', matches: (s) => s.some((f) => OURS.test(f.url)) },
  { phase: RUNTIME, matches: () => true },
];

/**
 * Where each dist/ file starts in the script the executable embeds: Bun compiles the bundle and
 * its chunks into one script, each file after a `// dist/<file>` line (the chunks wrapped to
 * run when required), and its profiles name that one script for all of them. Read from the
 * executable: the source is kept beside the bytecode, after a `// @bun` line.
 */
function embeddedFileStarts(exe: string): { line: number; file: string }[] {
  const data = fs.readFileSync(exe);
  const marker = data.indexOf('// dist/vendor-aws-sdk.js');
  const start = marker < 0 ? -1 : data.lastIndexOf('// @bun', marker);
  if (start < 0) return [];
  const end = data.indexOf(0, start);
  const lines = data
    .subarray(start, end < 0 ? undefined : end)
    .toString('utf8')
    .split('\n');
  const starts: { line: number; file: string }[] = [];
  lines.forEach((text, line) => {
    const file = /^\/\/ dist\/(\S+\.js)$/.exec(text)?.[1];
    if (file) starts.push({ line, file });
  });
  return starts;
}
let bunFileStarts: { line: number; file: string }[] | undefined;

/** Gives the executable's frames the url of the dist/ file they came from, as under Node. */
function unpackBunUrls(profile: CpuProfile): void {
  const frames = profile.nodes.map((n) => n.callFrame).filter((f) => f.url.includes('/$bunfs/'));
  if (frames.length === 0) return;
  bunFileStarts ??= embeddedFileStarts(EXE);
  for (const f of frames) {
    // Before the first file: the script's own wrapper, which runs the main bundle.
    f.url = bunFileStarts.filter((s) => s.line <= f.lineNumber).at(-1)?.file ?? 'docker-credential-ecr-login.js';
  }
}

/** Milliseconds per phase in one profile; `leaves` gathers, per phase, the ms of each leaf frame (for --top). */
function phasesOf(profile: CpuProfile, leaves?: Map<string, Map<string, number>>): Map<string, number> {
  unpackBunUrls(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n] as const));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const phaseOfNode = new Map<number, string>();
  const classify = (id: number): string => {
    const known = phaseOfNode.get(id);
    if (known) return known;
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at);
      if (node) frames.push(node.callFrame);
    }
    const phase = PHASES.find((rule) => rule.matches(frames))?.phase ?? RUNTIME;
    phaseOfNode.set(id, phase);
    return phase;
  };
  // Node compiles a required chunk (wrapSafe) before the chunk's first sample: that compile
  // belongs to the load of whichever chunk runs next
  // (a sample in the CommonJS loader itself: wrapSafe compiling, Module._compile about to run it).
  const isCompile = (id: number) => /modules\/cjs\/loader$/.test(byId.get(id)?.callFrame.url ?? '');
  const nextLoad = new Map<number, string>();
  let upcoming = 'bundle load/parse';
  for (let i = profile.samples.length - 1; i >= 0; i -= 1) {
    const id = profile.samples[i] ?? -1;
    const phase = classify(id);
    if (isCompile(id)) nextLoad.set(i, upcoming);
    else if (/chunk load|bundle load/.test(phase)) upcoming = phase;
  }
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const phase = nextLoad.get(i) ?? classify(id);
    totals.set(phase, (totals.get(phase) ?? 0) + ms);
    if (leaves) {
      const frame = byId.get(id)?.callFrame;
      const leaf = `${frame?.functionName || '(top level)'} ${path.basename(frame?.url ?? '')}:${frame?.lineNumber ?? ''}`;
      const byLeaf = leaves.get(phase) ?? new Map<string, number>();
      byLeaf.set(leaf, (byLeaf.get(leaf) ?? 0) + ms);
      leaves.set(phase, byLeaf);
    }
  });
  return totals;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function runOnce(
  command: string[],
  env: Record<string, string>,
  dir: string,
): Promise<{ wallMs: number; profile: CpuProfile; beforeMs: number; afterMs: number }> {
  const [file = process.execPath, ...args] = command;
  const input = path.join(dir, 'input');
  fs.writeFileSync(input, HOST);
  const stdin = fs.openSync(input, 'r');
  const started = process.hrtime.bigint();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(file, [...args, 'get'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: [stdin, 'ignore', 'inherit'] });
    fs.closeSync(stdin);
    child.on('error', reject);
    child.on('close', resolve);
  });
  const ended = process.hrtime.bigint();
  if (code !== 0) throw new Error(`${command.join(' ')} get exited ${code}`);
  const name = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!name) throw new Error(`no profile in ${dir}`);
  const profile = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as CpuProfile;
  fs.rmSync(path.join(dir, name));
  const startUs = Number(started / 1000n);
  const endUs = Number(ended / 1000n);
  const sameClock = profile.startTime > startUs && profile.endTime < endUs;
  const wallMs = Number(ended - started) / 1e6;
  const profiledMs = (profile.endTime - profile.startTime) / 1000;
  return sameClock
    ? { wallMs, profile, beforeMs: (profile.startTime - startUs) / 1000, afterMs: (endUs - profile.endTime) / 1000 }
    : { wallMs, profile, beforeMs: wallMs - profiledMs, afterMs: Number.NaN };
}

async function main(): Promise<void> {
  const emulator = await startEcrEmulator();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-login-profile-'));
  const profileDir = path.join(tmp, 'profiles');
  fs.mkdirSync(profileDir);
  const nodeProf = ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', String(INTERVAL_US)];
  const bunProf = { BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir} --cpu-prof-interval=${INTERVAL_US}` };
  const warmHome = fs.mkdtempSync(path.join(tmp, 'home-'));
  const fresh = () => fs.mkdtempSync(path.join(tmp, 'home-'));
  const cases: { name: string; command: string[]; env: () => Record<string, string> }[] = [
    { name: 'executable, cache hit', command: [EXE], env: () => ({ HOME: warmHome, ...emulator.env(), ...bunProf }) },
    { name: 'executable, cold get', command: [EXE], env: () => ({ HOME: fresh(), ...emulator.env(), ...bunProf }) },
    { name: 'Node entry, cache hit', command: [process.execPath, ...nodeProf, BIN], env: () => ({ HOME: warmHome, ...emulator.env() }) },
    { name: 'Node entry, cold get', command: [process.execPath, ...nodeProf, BIN], env: () => ({ HOME: fresh(), ...emulator.env() }) },
  ];
  try {
    // The hits' cache: one cold get.
    await runOnce([EXE], { HOME: warmHome, ...emulator.env(), ...bunProf }, profileDir);
    const results = cases.map(() => [] as { wallMs: number; beforeMs: number; afterMs: number; phases: Map<string, number> }[]);
    const leaves = cases.map(() => new Map<string, Map<string, number>>());
    for (let i = 0; i < RUNS; i += 1) {
      for (const [c, spec] of cases.entries()) {
        const run = await runOnce(spec.command, spec.env(), profileDir);
        results[c]?.push({ ...run, phases: phasesOf(run.profile, leaves[c]) });
      }
    }
    if (process.argv.includes('--top')) {
      // What each phase's samples were, summed over the runs: to check the rules.
      cases.forEach((spec, c) => {
        console.log(`${spec.name}:`);
        for (const [phase, byLeaf] of leaves[c] ?? []) {
          const top = [...byLeaf].sort((a, b) => b[1] - a[1]).slice(0, 6);
          console.log(`  ${phase}: ${top.map(([leaf, ms]) => `${leaf} ${(ms / RUNS).toFixed(1)}`).join(', ')}`);
        }
      });
      console.log('');
    }
    const phases = [...new Set(PHASES.map((p) => p.phase))];
    const cell = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
    console.log(`medians of ${RUNS} runs each, ms (sampling every ${INTERVAL_US} µs; node ${process.version})\n`);
    console.log(`| phase | ${cases.map((c) => c.name).join(' | ')} |`);
    console.log(`|---|${cases.map(() => '---:').join('|')}|`);
    const row = (label: string, pick: (r: (typeof results)[number][number]) => number) =>
      console.log(`| ${label} | ${results.map((runs) => cell(median(runs.map(pick)))).join(' | ')} |`);
    row('runtime start (spawn → first sample; executable: with exit)', (r) => r.beforeMs);
    for (const phase of phases) row(phase, (r) => r.phases.get(phase) ?? 0);
    row('exit (last sample → parent sees close)', (r) => r.afterMs);
    row('**wall (parent: spawn → close)**', (r) => r.wallMs);
  } finally {
    await emulator.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
