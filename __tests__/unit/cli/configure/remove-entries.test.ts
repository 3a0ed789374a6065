import { DuplicateKeyError } from '../../../../src/cli/configure/check-single-keys';
import { removeJsonPaths } from '../../../../src/cli/configure/edit-json-text';
import { planRemoveRequest } from '../../../../src/cli/configure/plan-remove-request';
import { removeClientEntries, removeSettingsEntries } from '../../../../src/cli/configure/remove-entries';
import { UsageError } from '../../../../src/errors';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const OTHER = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';
const NONE = { hosts: [], patterns: [], aliases: [], all: false };

const DOCKER = `{
\t"auths": {
\t\t"ghcr.io": {}
\t},
\t"credHelpers": {
\t\t"${ECR}": "ecr-login",
\t\t"gcr.io": "gcloud",
\t\t"r.example.com": "ecr-login"
\t},
\t"credsStore": "ecr-login"
}
`;

describe('removeJsonPaths', () => {
  it.each([
    ['the first of several', [['credHelpers', 'a']], '{\n  "credHelpers": {\n    "b": "x",\n    "c": "y"\n  }\n}\n'],
    ['a middle one', [['credHelpers', 'b']], '{\n  "credHelpers": {\n    "a": "x",\n    "c": "y"\n  }\n}\n'],
    ['the last one', [['credHelpers', 'c']], '{\n  "credHelpers": {\n    "a": "x",\n    "b": "x"\n  }\n}\n'],
    [
      'all of them: the emptied object goes too',
      [
        ['credHelpers', 'a'],
        ['credHelpers', 'b'],
        ['credHelpers', 'c'],
      ],
      '{}\n',
    ],
    ['nothing there', [['credHelpers', 'z'], ['nope']], '{\n  "credHelpers": {\n    "a": "x",\n    "b": "x",\n    "c": "y"\n  }\n}\n'],
  ])('%s', (_what, paths, expected) => {
    const text = '{\n  "credHelpers": {\n    "a": "x",\n    "b": "x",\n    "c": "y"\n  }\n}\n';
    expect(removeJsonPaths(text, paths)).toBe(expected);
  });

  it('a one-line object keeps its one line', () => {
    expect(removeJsonPaths('{"credHelpers": {"a": "x", "b": "y"}, "z": 1}', [['credHelpers', 'a']])).toBe(
      '{"credHelpers": {"b": "y"}, "z": 1}',
    );
  });
});

describe('removeClientEntries (configure --remove)', () => {
  it("removes the named hosts that name ecr-login; leaves another helper's entry, saying so", () => {
    const edit = removeClientEntries(DOCKER, { ...NONE, hosts: [ECR, 'gcr.io', 'absent.example.com'] }, 'f');
    expect(edit.changes).toEqual([`credHelpers: removed ${ECR}`]);
    expect(edit.warnings).toEqual(['left credHelpers["gcr.io"] in f: it names "gcloud", not ecr-login']);
    expect(edit.text).toBe(DOCKER.replace(`\t\t"${ECR}": "ecr-login",\n`, ''));
  });

  it("--all: every entry naming ecr-login and credsStore, another helper's entries kept in silence", () => {
    const edit = removeClientEntries(DOCKER, { ...NONE, all: true }, 'f');
    expect(edit.changes).toEqual([
      `credHelpers: removed ${ECR}`,
      'credHelpers: removed r.example.com',
      'credsStore: removed (was ecr-login; docker keeps logins in the auths entries again)',
    ]);
    expect(edit.warnings).toEqual([]);
    expect(edit.text).toBe('{\n\t"auths": {\n\t\t"ghcr.io": {}\n\t},\n\t"credHelpers": {\n\t\t"gcr.io": "gcloud"\n\t}\n}\n');
  });

  it("without --all, credsStore stays; another helper's credsStore stays even with --all", () => {
    expect(removeClientEntries(DOCKER, { ...NONE, hosts: [ECR] }, 'f').text).toContain('"credsStore": "ecr-login"');
    const desktop = '{\n\t"credsStore": "desktop"\n}\n';
    expect(removeClientEntries(desktop, { ...NONE, all: true }, 'f')).toEqual({ text: desktop, changes: [], warnings: [] });
  });

  it.each([
    ['--registry h', { ...NONE, hosts: ['h'] }, '{"credHelpers": {"h": "desktop", "h": "ecr-login"}}', '"credHelpers" has "h"'],
    ['--all', { ...NONE, all: true }, '{"credHelpers": {"h": "desktop", "h": "ecr-login"}}', '"credHelpers" has "h"'],
    [
      '--all (credsStore)',
      { ...NONE, all: true },
      '{"credsStore": "desktop", "credsStore": "ecr-login"}',
      'the top level has "credsStore"',
    ],
  ])("%s: a key named twice is refused, not another helper's entry removed (docker reads the last)", (_what, request, text, where) => {
    expect(() => removeClientEntries(text, request, 'f')).toThrow(DuplicateKeyError);
    expect(() => removeClientEntries(text, request, 'f')).toThrow(
      `f: ${where} twice (docker reads the last): keep one, then run configure again`,
    );
  });

  it("a duplicate whose last names another helper is that helper's: left, as docker reads it", () => {
    const text = '{"credHelpers": {"h": "ecr-login", "h": "desktop"}}';
    expect(removeClientEntries(text, { ...NONE, hosts: ['h'] }, 'f')).toEqual({
      text,
      changes: [],
      warnings: ['left credHelpers["h"] in f: it names "desktop", not ecr-login'],
    });
  });

  it('no file: nothing to remove, nothing created', () => {
    expect(removeClientEntries(undefined, { ...NONE, all: true }, 'f')).toEqual({ text: '', changes: [], warnings: [] });
  });
});

describe('removeSettingsEntries', () => {
  const SETTINGS = `{\n  "registries": {\n    "${ECR}": { "profile": "dev" },\n    "*.dkr.ecr.*.amazonaws.com": { "profile": "ci" }\n  },\n  "aliases": {\n    "r.example.com": "${ECR}",\n    "s.example.com": "${OTHER}"\n  }\n}\n`;

  it('the named registries keys and aliases', () => {
    const edit = removeSettingsEntries(SETTINGS, { ...NONE, patterns: [ECR], aliases: ['s.example.com', 'absent.example.com'] }, 'f');
    expect(edit.changes).toEqual([`registries["${ECR}"]: removed`, 'aliases["s.example.com"]: removed']);
    expect(JSON.parse(edit.text)).toEqual({
      registries: { '*.dkr.ecr.*.amazonaws.com': { profile: 'ci' } },
      aliases: { 'r.example.com': ECR },
    });
  });

  it('an alias written twice is refused, not its first removed and its second kept (the file becoming valid with it)', () => {
    const twice = SETTINGS.replace(`"s.example.com": "${OTHER}"`, `"s.example.com": "${OTHER}",\n    "s.example.com": "${ECR}"`);
    expect(() => removeSettingsEntries(twice, { ...NONE, aliases: ['s.example.com'] }, 'f')).toThrow(
      'f: "aliases" has "s.example.com" twice (the helper reads no settings file with a key twice): keep one, then run configure again',
    );
    expect(removeSettingsEntries(twice, { ...NONE, aliases: ['r.example.com'] }, 'f').changes).toEqual([
      'aliases["r.example.com"]: removed',
    ]);
  });

  it('--all: every entry; the file keeps only what is not an entry', () => {
    const edit = removeSettingsEntries(
      SETTINGS.replace('{\n  "registries"', '{\n  "note": "mine",\n  "registries"'),
      { ...NONE, all: true },
      'f',
    );
    expect(edit.changes).toHaveLength(4);
    expect(edit.text).toBe('{\n  "note": "mine"\n}\n');
  });
});

describe('planRemoveRequest', () => {
  const options = (extra: object) => ({ registry: [], alias: [], remove: true, ...extra });

  it('registry hosts as people paste them, globs, and alias names (NAME or NAME=HOST)', () => {
    expect(
      planRemoveRequest(
        options({
          registry: [`https://${ECR.toUpperCase()}:443/v2/`, '*.dkr.ecr.*.amazonaws.com'],
          alias: ['R.example.com', `s.example.com:443=${ECR}`],
        }),
      ),
    ).toEqual({
      hosts: [ECR, 'r.example.com', 's.example.com'],
      patterns: [ECR, '*.dkr.ecr.*.amazonaws.com'],
      aliases: ['r.example.com', 's.example.com'],
      all: false,
    });
    expect(planRemoveRequest(options({ all: true }))).toEqual({ hosts: [], patterns: [], aliases: [], all: true });
  });

  it.each([
    ['https://r.example.com', 'r.example.com'],
    ['https://R.example.com/v2/', 'r.example.com'],
    [`https://user@r.example.com:443/app=${ECR}`, 'r.example.com'],
    ['http://r.example.com:5000/', 'r.example.com:5000'],
  ])('--alias %s: the alias name, as --registry reads a host', (alias, name) => {
    expect(planRemoveRequest(options({ alias: [alias] }))).toEqual({ hosts: [name], patterns: [], aliases: [name], all: false });
  });

  it.each([
    [{}, 'nothing to remove: name what with --registry HOST or --alias NAME, or remove every entry of this helper with --all'],
    [{ all: true, registry: [ECR] }, '--remove --all takes out every entry of this helper: leave out --registry and --alias, or --all'],
    [
      { registry: [ECR], profile: 'dev', credsStore: true },
      '--remove does not go with --creds-store, --profile: run configure once to remove, once to add',
    ],
    [{ alias: ['=x'] }, '--alias "=x": with --remove, name the alias: --alias NAME'],
    [{ alias: ['https://'] }, '--alias "https://": with --remove, name the alias: --alias NAME'],
  ])('refuses %j', (extra, message) => {
    expect(() => planRemoveRequest(options(extra))).toThrow(new UsageError(message));
  });
});
