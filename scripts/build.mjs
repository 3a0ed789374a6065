// Bundles the helper for a fast start. The main bundle (CommonJS) holds what a cache hit
// runs — `get` answered from the file cache, and the rest of `store`, `erase`, `list`,
// `version` and a kubelet request; the rest loads on demand with require(), from bundles of
// two kinds:
// - vendor chunks: a heavy third-party library each — the AWS SDK on a cache miss, commander
//   for anything but a bare protocol action, proper-lockfile when a lock is taken, yaml when
//   doctor --kubelet reads kubelet's config, @noble/hashes' SHA-1 for an SSO profile on Node;
// - bundles of our own code: deferred.js, what a hit never runs (the AWS side of a miss, the
//   OS keychain, the way to the commands: ~45 KB that every hit on Node compiled, ~0.8 ms of
//   24); below it, what only a person's commands run — help, `--version`, `kubelet-config`
//   (cli-commands.js, which loads commander), and `configure` and `doctor` (each in its own,
//   loaded by cli-commands.js).
// Each module is in exactly one shipped file. A command bundle does not copy what the bundles
// that load it already hold (errors, config, the registry rules, …): it uses their instances,
// which they publish, when they first load a command bundle, in a table on `globalThis`
// (`MODULES`) — one instance of each class, so `instanceof HelperError` holds across files.
// A module two sibling command bundles need goes to their nearest common ancestor. The same
// require() chain works under Node (bin/ runs dist/) and in the single-file executable (Bun
// compiles the required files in, scripts/package.mjs).
// dist/metafile.json records which sources went into which output, and a test
// (__tests__/integration/package.test.ts) fails when a source appears in two.
// Developer tools (emulator, demo, benchmark, profile) go to dist/dev/, which is not published.

import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  // Smaller to read and compile at start-up; identifiers stay, so error and class names and
  // profiles remain legible.
  minifyWhitespace: true,
  minifySyntax: true,
  // Chunks load with require(): no ESM loader at run time (and none inside vm.Script).
  supported: { 'dynamic-import': false },
  // A native addon: loaded from node_modules at run time, and only when the keychain is used.
  external: ['@napi-rs/keyring'],
  // jsonc-parser's main is a UMD build whose require()s esbuild cannot follow; its ES module build bundles.
  // graceful-fs (proper-lockfile's fs): plain node:fs, see scripts/graceful-fs-shim.js.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js', 'graceful-fs': './scripts/graceful-fs-shim.js' },
  logLevel: 'warning',
  metafile: true,
};

/** The path of a module as the metafile names it: relative to the project, with forward slashes. */
const relative = (file) => path.relative(ROOT, file).split(path.sep).join('/');

/**
 * The vendor chunks: `matches` tells, from an import's specifier and the importing directory,
 * whether the import is of this chunk's module; the importing bundle then require()s the chunk.
 */
const VENDOR = [
  {
    out: 'vendor-aws-sdk.js',
    source: path.join(ROOT, 'src/aws/sdk-clients.ts'),
    matches: (spec, dir) => spec.startsWith('.') && path.resolve(dir, spec) === path.join(ROOT, 'src/aws/sdk-clients'),
  },
  { out: 'vendor-commander.js', source: require.resolve('commander'), matches: (spec) => spec === 'commander' },
  { out: 'vendor-proper-lockfile.js', source: require.resolve('proper-lockfile'), matches: (spec) => spec === 'proper-lockfile' },
  // doctor --kubelet reads kubelet's YAML config; the rest of doctor does not pay for the parser.
  { out: 'vendor-yaml.js', source: require.resolve('yaml'), matches: (spec) => spec === 'yaml' },
  // SHA-1 on Node, only to name an SSO profile's token cache file (src/hash.ts): 14 KB a hit need not compile.
  { out: 'vendor-noble-sha1.js', source: require.resolve('@noble/hashes/legacy'), matches: (spec) => spec === '@noble/hashes/legacy' },
];

const vendorImports = {
  name: 'vendor-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const chunk = VENDOR.find((c) => c.matches(args.path, args.resolveDir));
      return chunk ? { path: `./${chunk.out}`, external: true } : undefined;
    });
  },
};

const MAIN = 'docker-credential-ecr-login.js';

/**
 * The main bundle and the command bundles, a tree: each command bundle is loaded (by a dynamic
 * `import()` of its source, which becomes a require() of the bundle) only from its parent.
 */
const BUNDLES = [
  { out: MAIN, source: 'src/entry/docker-credential-ecr-login.ts' },
  // What a cache hit never runs: the AWS side of a miss, the OS keychain, the way to the commands.
  { out: 'deferred.js', source: 'src/cli/deferred.ts', parent: MAIN },
  { out: 'cli-commands.js', source: 'src/cli/commander-program.ts', parent: 'deferred.js' },
  { out: 'cli-configure.js', source: 'src/cli/configure/run-configure.ts', parent: 'cli-commands.js' },
  { out: 'cli-doctor.js', source: 'src/cli/doctor/doctor-command.ts', parent: 'cli-commands.js' },
];

/** Where the bundles publish the modules they hold for the command bundles they load. */
const MODULES = "globalThis[Symbol.for('docker-credential-ecr-login.modules')]";

/** The bundle and the bundles above it, nearest first. */
function lineage(out) {
  const chain = [];
  for (let bundle = BUNDLES.find((b) => b.out === out); bundle; bundle = BUNDLES.find((b) => b.out === bundle.parent)) {
    chain.push(bundle.out);
  }
  return chain;
}

/**
 * The plugin of one bundle's build. `owners` (module path -> bundle) and `published` (the
 * modules this bundle holds for the bundles below it) come from a first pass; without them
 * (that pass) every module a bundle reaches is bundled into it. `isPublished` says whether a
 * module owned elsewhere is published by its owner: one that is not fails the build (esbuild
 * inlines an imported constant in the first pass and leaves its module out of the importer's
 * inputs, so the owner never learnt that a bundle below needs it).
 */
function commandBundles(bundle, { owners = new Map(), published = [], isPublished = () => true } = {}) {
  return {
    name: 'command-bundles',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.inner || args.kind === 'entry-point') return undefined;
        if (args.namespace === 'command-loader') {
          return args.path === 'published-modules:'
            ? { path: bundle.out, namespace: 'published-modules' }
            : { path: args.path, external: true };
        }
        const resolved = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { inner: true },
        });
        if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== 'file') return undefined;
        const module = relative(resolved.path);
        const loaded = BUNDLES.find((other) => other.source === module && other !== bundle);
        if (loaded) {
          if (loaded.parent !== bundle.out)
            throw new Error(`${module} is the source of ${loaded.out}, which only ${loaded.parent} may load`);
          return { path: loaded.out, namespace: 'command-loader' };
        }
        const owner = owners.get(module);
        if (owner !== undefined && owner !== bundle.out) return { path: module, namespace: 'owned-elsewhere' };
        return undefined;
      });
      // A command bundle, loaded: first this bundle publishes its modules the bundle needs.
      b.onLoad({ filter: /.*/, namespace: 'command-loader' }, (args) => ({
        contents: `import 'published-modules:';\nexport * from './${args.path}';\n`,
        resolveDir: ROOT,
      }));
      b.onLoad({ filter: /.*/, namespace: 'published-modules' }, () => ({
        contents: [
          ...published.map((module, i) => `import * as m${i} from ${JSON.stringify(path.join(ROOT, module))};`),
          // A copy marked as an ES module's exports, so that a default export (package.json's) stays one.
          'const esm = (ns) => ns.__esModule ? ns : Object.defineProperty(Object.defineProperties({}, Object.getOwnPropertyDescriptors(ns)), "__esModule", { value: true });',
          `Object.assign((${MODULES} ??= {}), {${published.map((module, i) => `${JSON.stringify(module)}: esm(m${i})`).join(', ')}});`,
        ].join('\n'),
        resolveDir: ROOT,
      }));
      // A module the bundles above did not publish is a build error, said at load, not an
      // `undefined` import: esbuild inlines an imported constant and leaves its module out of
      // the importer's inputs, so the first pass may not see that a bundle needs it.
      b.onLoad({ filter: /.*/, namespace: 'owned-elsewhere' }, (args) =>
        isPublished(args.path)
          ? {
              contents: [
                `const published = (${MODULES} ?? {})[${JSON.stringify(args.path)}];`,
                `if (published === undefined) throw new Error(${JSON.stringify(`${args.path} was not published for ${bundle.out} (scripts/build.mjs)`)});`,
                'module.exports = published;',
                '',
              ].join('\n'),
              loader: 'js',
            }
          : {
              errors: [
                {
                  text: `${bundle.out} uses ${args.path}, which ${owners.get(args.path)} does not publish: an imported constant that esbuild inlined in the first pass? Import a function instead.`,
                },
              ],
            },
      );
    },
  };
}

/**
 * @noble/hashes picks, for Node, a module that loads node:crypto (~5 ms) only to reach
 * `webcrypto`; its platform-neutral module reads `globalThis.crypto` (Node >= 19) instead,
 * and only when random bytes are asked for. See src/hash.ts.
 */
const nobleWebCrypto = {
  name: 'noble-webcrypto',
  setup(b) {
    b.onResolve({ filter: /^@noble\/hashes\/crypto$/ }, () => ({ path: path.join(ROOT, 'scripts/noble-crypto-shim.js') }));
  },
};

/**
 * A plugin that resolves imports matching `filter` to the shim `file`, which loads the real
 * module on first use (the shim's own import of it resolves as usual).
 */
function lazyModule(name, filter, file) {
  const shim = path.join(ROOT, file);
  return {
    name,
    setup(b) {
      b.onResolve({ filter }, (args) => (args.importer === shim ? undefined : { path: shim }));
    },
  };
}

/** @smithy/node-http-handler for the SDK chunk, loaded on first use: see scripts/lazy-node-http-handler-shim.js. */
const lazyNodeHttpHandler = lazyModule('lazy-node-http-handler', /^@smithy\/node-http-handler$/, 'scripts/lazy-node-http-handler-shim.js');
/** node:http2 for the SDK chunk, loaded on first use: see scripts/lazy-http2-shim.js. */
const lazyHttp2 = lazyModule('lazy-http2', /^(node:)?http2$/, 'scripts/lazy-http2-shim.js');

/** The modules of ours and of node_modules a build bundled, by output (the plugins' own modules left out). */
function inputsOf(result) {
  return Object.fromEntries(
    Object.entries(result.metafile.outputs).map(([output, { inputs }]) => [
      output,
      Object.keys(inputs)
        .filter((input) => !/^(command-loader|published-modules|owned-elsewhere):/.test(input))
        .sort(),
    ]),
  );
}

/**
 * Which bundle holds each module: the nearest common ancestor of the bundles that reach it,
 * found by building each bundle alone first.
 */
async function assignModules() {
  const reached = await Promise.all(
    BUNDLES.map(async (bundle) => {
      const result = await build({
        ...common,
        absWorkingDir: ROOT,
        entryPoints: [bundle.source],
        outfile: `dist/${bundle.out}`,
        write: false,
        logLevel: 'silent',
        plugins: [vendorImports, commandBundles(bundle), nobleWebCrypto],
      });
      return Object.values(inputsOf(result))[0];
    }),
  );
  const owners = new Map();
  for (const module of new Set(reached.flat())) {
    const holders = BUNDLES.filter((_, i) => reached[i].includes(module)).map((b) => b.out);
    owners.set(
      module,
      lineage(holders[0]).find((ancestor) => holders.every((holder) => lineage(holder).includes(ancestor))),
    );
  }
  const published = (bundle) =>
    [...owners]
      .filter(([module, owner]) => owner === bundle.out && BUNDLES.some((other, i) => other !== bundle && reached[i].includes(module)))
      .map(([module]) => module);
  return { owners, published };
}

rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
const { owners, published } = await assignModules();
/** Whether the bundle that owns `module` publishes it for the bundles below. */
const isPublished = (module) => {
  const owner = BUNDLES.find((b) => b.out === owners.get(module));
  return owner !== undefined && published(owner).includes(module);
};
const shipped = [
  ...BUNDLES.map((bundle) => ({
    entryPoints: [bundle.source],
    outfile: `dist/${bundle.out}`,
    plugins: [vendorImports, commandBundles(bundle, { owners, published: published(bundle), isPublished }), nobleWebCrypto],
  })),
  // Vendor chunks resolve packages by their `node`/`require` builds, not `module` (esbuild adds
  // that condition by default): @smithy/core's ES build is 326 modules, each initialised on
  // load; its CommonJS build is a dozen. A cold get of the executable loaded the SDK chunk in
  // 9.6-10.3 ms with the ES builds and 7.4-7.8 ms with these (performance.now() marks, six
  // alternating runs of 20), and the chunk shrank from 986 to 889 KB.
  ...VENDOR.map((chunk) => ({
    entryPoints: [chunk.source],
    outfile: `dist/${chunk.out}`,
    plugins: [lazyHttp2, lazyNodeHttpHandler, nobleWebCrypto],
    conditions: [],
  })),
  // The process that makes the native keychain calls (src/keychain/os-keychain.ts starts it).
  { entryPoints: ['src/entry/keychain-worker.ts'], outfile: 'dist/keychain-worker.js', plugins: [] },
];
const devTools = [
  { entryPoints: ['emulator/main.ts'], outfile: 'dist/dev/ecr-emulator.js' },
  { entryPoints: ['scripts/demo.ts'], outfile: 'dist/dev/demo.js' },
  { entryPoints: ['scripts/bench.ts'], outfile: 'dist/dev/bench.js' },
  { entryPoints: ['scripts/profile.ts'], outfile: 'dist/dev/profile.js' },
];
const results = await Promise.all([...shipped, ...devTools].map((options) => build({ ...common, absWorkingDir: ROOT, ...options })));

const inputsByOutput = Object.assign({}, ...results.slice(0, shipped.length).map(inputsOf));
for (const bundle of BUNDLES) {
  const strays = inputsByOutput[`dist/${bundle.out}`].filter((module) => owners.get(module) !== bundle.out);
  if (strays.length > 0) throw new Error(`dist/${bundle.out} bundled modules assigned elsewhere: ${strays.join(', ')}`);
}
writeFileSync(path.join(ROOT, 'dist/metafile.json'), `${JSON.stringify({ inputsByOutput }, null, 1)}\n`);
for (const bin of ['docker-credential-ecr-login', 'ecr-credential-provider']) chmodSync(path.join(ROOT, 'bin', bin), 0o755);
