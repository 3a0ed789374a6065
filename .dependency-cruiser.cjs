/**
 * The layers of src/ and the one direction imports may point (README, "Development"). Each layer
 * may import only layers below it; `npm test` (and so CI) runs this, and a backward or
 * sideways import fails it. The heavy third-party libraries are reachable from one module
 * each, which is what keeps them in lazily loaded chunks (scripts/build.mjs).
 */
const LAYERS = [
  { name: 'entry', path: '^src/entry/' },
  { name: 'main', path: '^src/main\\.ts$' },
  { name: 'cli', path: '^src/cli/' },
  { name: 'protocol', path: '^src/protocol/' },
  { name: 'services', path: '^src/services\\.ts$' },
  { name: 'resolver', path: '^src/resolver/' },
  // Siblings: neither imports the other.
  { name: 'aws', path: '^src/aws/', rank: 6 },
  { name: 'store', path: '^src/store/', rank: 6 },
  // Below the token store, which keeps tokens in the keychain and takes locks.
  { name: 'keychain', path: '^src/keychain/', rank: 7 },
  { name: 'lock', path: '^src/lock/', rank: 7 },
  // The per-registry settings file: read by the protocols (aliases), the resolver and services.
  { name: 'settings', path: '^src/settings/', rank: 7 },
  // Shared by everything above; they import only each other.
  { name: 'leaves', path: '^src/(errors|log|config|retry-settings|hash|json-shape)\\.ts$|^src/(registry|safe-fs|safe-text)/', rank: 8 },
].map((layer, index) => ({ rank: index, ...layer }));

const upwardOrSideways = LAYERS.flatMap((from) => {
  const forbidden = LAYERS.filter((to) => to !== from && to.rank <= from.rank);
  if (forbidden.length === 0) return [];
  return [
    {
      name: `${from.name}-imports-down-only`,
      comment: `${from.name} may import only layers below it (entry → main → cli → protocol → services → resolver → aws | store → keychain | lock | settings → leaves)`,
      severity: 'error',
      from: { path: from.path },
      to: { path: forbidden.map((to) => `(${to.path})`).join('|') },
    },
  ];
});

/** Third-party libraries that must stay behind one module each. */
const GATED = [
  {
    library: 'node_modules/@aws-sdk/',
    only: '^src/aws/(sdk-clients|create-ecr-token-source)\\.ts$',
    why: 'the AWS SDK loads from its own chunk on a cache miss',
  },
  {
    library: 'node_modules/commander/',
    only: '^src/cli/commander-program\\.ts$',
    why: 'commander loads from its own chunk, never on a protocol call',
  },
  {
    library: 'node_modules/proper-lockfile/',
    only: '^src/lock/file-locker\\.ts$',
    why: 'the lock library loads from its own chunk on a miss',
  },
  {
    library: 'node_modules/@napi-rs/keyring/',
    only: '^src/entry/keychain-worker\\.ts$',
    why: 'the native addon loads only in the keychain process',
  },
  {
    library: 'node_modules/jsonc-parser/',
    only: '^src/cli/configure/edit-json-text\\.ts$',
    why: "configure's text edits load with configure, never on a protocol call",
  },
  {
    library: 'node_modules/yaml/',
    only: '^src/cli/doctor/read-kubelet-config\\.ts$',
    why: "doctor --kubelet's config reading loads it, never another command",
  },
  {
    library: 'node_modules/diff/',
    only: '^src/cli/configure/format-unified-diff\\.ts$',
    why: "configure's --dry-run diff loads with configure, never on a protocol call",
  },
];

/**
 * Inside cli/: the commands that load on demand stay apart, so that each loads alone and a
 * newcomer finds each one's code in its folder. What several commands use lives in
 * src/cli/*.ts; what doctor's checks learn travels through its runner (`DoctorFacts`), and
 * what they share lives in src/cli/doctor/.
 */
const CLI_APART = [
  {
    name: 'configure-does-not-import-doctor',
    comment: 'configure and doctor do not import each other: move what both use to src/cli/*.ts',
    from: { path: '^src/cli/configure/' },
    to: { path: '^src/cli/doctor/' },
  },
  {
    name: 'doctor-does-not-import-configure',
    comment: 'configure and doctor do not import each other: move what both use to src/cli/*.ts',
    from: { path: '^src/cli/doctor/' },
    to: { path: '^src/cli/configure/' },
  },
  {
    name: 'doctor-checks-apart',
    comment:
      'a doctor check does not import another: what one learns for a later one is a fact (DoctorFacts, through the runner); shared code lives in src/cli/doctor/',
    from: { path: '^src/cli/doctor/checks/' },
    to: { path: '^src/cli/doctor/checks/' },
  },
].map((rule) => ({ severity: 'error', ...rule }));

module.exports = {
  forbidden: [
    ...upwardOrSideways,
    ...GATED.map(({ library, only, why }) => ({
      name: `gated-${library.replace(/\W+/g, '-').replace(/^-|-$/g, '')}`,
      comment: `only ${only} may import ${library}: ${why}`,
      severity: 'error',
      from: { path: '^src/', pathNot: only },
      to: { path: library },
    })),
    ...CLI_APART,
    {
      name: 'every-module-in-a-layer',
      comment: 'a module of src/ outside every layer: add its folder to LAYERS in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: LAYERS.map((l) => `(${l.path})`).join('|') },
    },
    {
      name: 'src-stays-in-src',
      comment: 'production code does not import tests, the emulator or scripts',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(__tests__|emulator|scripts)/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-orphans',
      comment: 'a module of src/ that nothing imports is dead code (the entry points are the only roots)',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: '^src/entry/(docker-credential-ecr-login|keychain-worker)\\.ts$' },
      to: {},
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc parses TS.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
  },
};
