import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { runProgramSync } from './program-runs';
import { makeTempDir } from './temp-dir';

/*
 * A private npm registry on loopback that serves a package's run-time dependencies as npm ci
 * installed them in this checkout: a test that installs the packed package (`npm install -g
 * <tarball>`) resolves them here, with an empty npm cache of its own, so it depends neither on
 * what ~/.npm happens to hold nor on the network. `npm ci` caches tarballs but not the registry
 * metadata (packuments) an offline install needs (REFERENCE.md §8), so `--offline` alone cannot
 * do this.
 *
 * Every version the lockfile pins is described (name, version, dependencies, os/cpu/libc, as
 * the lockfile records them); the ones installed here (this platform's) are served as tarballs
 * packed from node_modules. The other platforms' optional packages are never fetched: npm
 * reads their os/cpu/libc from the packument and skips them.
 */

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly os?: string[];
  readonly cpu?: string[];
  readonly libc?: string[];
  readonly engines?: Record<string, string>;
  readonly license?: string;
}

interface Served {
  readonly name: string;
  readonly version: string;
  readonly entry: LockEntry;
  /** The packed tarball, when the package is installed here. */
  readonly tarball?: Buffer;
}

export interface LocalNpmRegistry {
  readonly url: string;
  /** The paths npm asked for, in order. */
  readonly requests: readonly string[];
  /** The environment for npm: this registry, an empty cache and config of its own, nothing of the caller's npm settings. */
  npmEnv(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** The lockfile key of `name` as required from `from` (a lockfile key, '' for the root): npm's nested-then-hoisted lookup. */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[key] !== undefined) return key;
    if (base === '') return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at === -1 ? '' : base.slice(0, at);
  }
}

/** Packs `dir` (an installed package) with npm, scripts off; returns the tarball's bytes. */
function pack(dir: string, env: NodeJS.ProcessEnv): Buffer {
  const out = makeTempDir('ecr-login-npm-pack-');
  const run = runProgramSync('npm', ['pack', dir, '--pack-destination', out, '--ignore-scripts', '--json'], { env, timeout: 60_000 });
  if (run.status !== 0) throw new Error(`npm pack ${dir} failed (exit ${run.status}):\n${run.stderr}`);
  const [file] = fs.readdirSync(out).filter((name) => name.endsWith('.tgz'));
  if (file === undefined) throw new Error(`npm pack ${dir} made no tarball:\n${run.stdout}`);
  return fs.readFileSync(path.join(out, file));
}

/** The run-time dependency closure of the package at `root`, from its lockfile. */
function collect(root: string, env: NodeJS.ProcessEnv): Served[] {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const { packages } = lock;
  const served = new Map<string, Served>();
  const visit = (from: string, deps: Record<string, string> | undefined): void => {
    for (const name of Object.keys(deps ?? {})) {
      const key = locate(packages, from, name);
      const entry = key === undefined ? undefined : packages[key];
      if (key === undefined || entry?.version === undefined || served.has(key)) continue;
      const dir = path.join(root, key);
      const tarball = fs.existsSync(path.join(dir, 'package.json')) ? pack(dir, env) : undefined;
      served.set(key, { name, version: entry.version, entry, ...(tarball ? { tarball } : {}) });
      visit(key, entry.dependencies);
      visit(key, entry.optionalDependencies);
    }
  };
  const top = packages[''] ?? {};
  visit('', top.dependencies);
  visit('', top.optionalDependencies);
  return [...served.values()];
}

function tarballName(s: Served): string {
  return `${s.name.replace('/', '-')}-${s.version}.tgz`;
}

/** The registry's answer for `name`: every served version of it. */
function packument(name: string, versions: readonly Served[], url: string): unknown {
  const latest = versions.at(-1)?.version;
  return {
    name,
    'dist-tags': latest === undefined ? {} : { latest },
    versions: Object.fromEntries(
      versions.map((s) => {
        const { version, dependencies, optionalDependencies, peerDependencies, os, cpu, libc, engines, license } = s.entry;
        const integrity = s.tarball ? `sha512-${createHash('sha512').update(s.tarball).digest('base64')}` : undefined;
        const manifest = { name, version, dependencies, optionalDependencies, peerDependencies, os, cpu, libc, engines, license };
        return [version, { ...manifest, dist: { tarball: `${url}/-/${tarballName(s)}`, ...(integrity ? { integrity } : {}) } }];
      }),
    ),
  };
}

/**
 * Starts the registry for the package at `root` (a checkout after `npm ci`). `baseEnv` is the
 * environment npm otherwise runs with (PATH and the like); every npm_* setting in it is dropped.
 */
export async function startLocalNpmRegistry(root: string, baseEnv: NodeJS.ProcessEnv): Promise<LocalNpmRegistry> {
  const home = makeTempDir('ecr-login-npm-home-');
  const userConfig = path.join(home, 'npmrc');
  const globalConfig = path.join(home, 'global-npmrc');
  for (const file of [userConfig, globalConfig]) fs.writeFileSync(file, '');
  const clean = Object.fromEntries(Object.entries(baseEnv).filter(([key]) => !/^(npm_|INIT_CWD$)/i.test(key)));
  const env = (registry: string): NodeJS.ProcessEnv => ({
    ...clean,
    npm_config_registry: `${registry}/`,
    npm_config_cache: path.join(home, 'cache'),
    npm_config_userconfig: userConfig,
    npm_config_globalconfig: globalConfig,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  });

  const requests: string[] = [];
  let served: Served[] = [];
  const server = http.createServer((req, res) => {
    const urlPath = req.url ?? '/';
    requests.push(urlPath);
    const tarball = urlPath.startsWith('/-/') ? served.find((s) => `/-/${tarballName(s)}` === urlPath)?.tarball : undefined;
    if (tarball) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.length });
      res.end(tarball);
      return;
    }
    const name = decodeURIComponent(urlPath.slice(1).split('?')[0] ?? '');
    const versions = served.filter((s) => s.name === name);
    if (versions.length === 0) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(packument(name, versions, url)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    served = collect(root, env(url));
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    url,
    requests,
    npmEnv: () => env(url),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
