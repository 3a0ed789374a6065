import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuplicateKeyError } from '../../../../src/cli/configure/check-single-keys';
import { editClientConfig } from '../../../../src/cli/configure/edit-client-config';
import { detectLayout } from '../../../../src/cli/configure/edit-json-text';
import { formatUnifiedDiff } from '../../../../src/cli/configure/format-unified-diff';
import { ConfigError } from '../../../../src/errors';
import { eachWithPrograms } from '../../../helpers/platform';
import { runProgramSync } from '../../../helpers/program-runs';
import { makeTempDir } from '../../../helpers/temp-dir';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/configure');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const hostsOnly = { hosts: [ECR], allEcr: false, credsStore: false };

/** The keys of an object in file order, read without JSON.parse's reordering. */
function topKeys(text: string): string[] {
  return [...text.matchAll(/^(?:\t| {2}| {4})"([^"]+)":/gm)].map((m) => m[1] ?? '');
}

describe('editClientConfig on real-world configs', () => {
  it.each([
    ['docker-desktop-mac.json', ['auths', 'credsStore', 'currentContext', 'plugins', 'features']],
    [
      'ci-runner-linux.json',
      [
        'auths',
        'HttpHeaders',
        'psFormat',
        'imagesFormat',
        'detachKeys',
        'proxies',
        'cliPluginsExtraDirs',
        'stackOrchestrator',
        'experimental',
      ],
    ],
    ['osxkeychain-two-spaces.json', ['auths', 'credsStore', 'credHelpers', 'currentContext', '10', 'numbers']],
    ['windows-four-spaces-crlf.json', ['auths', 'credsStore', 'currentContext']],
    ['containers-auth.json', ['auths']],
  ])('%s: adds the entry and keeps every other key, in order, with its value and layout', (name, keys) => {
    const before = fixture(name);
    const edit = editClientConfig(before, hostsOnly, name);
    expect(edit.changes).toEqual([`credHelpers: added ${ECR}`]);
    const after = JSON.parse(edit.text) as Record<string, unknown>;
    const original = JSON.parse(before) as Record<string, unknown>;
    expect(after).toEqual({
      ...original,
      credHelpers: { ...(original.credHelpers as Record<string, string> | undefined), [ECR]: 'ecr-login' },
    });
    // Top-level keys in their order, credHelpers added at the end when it was not there.
    expect(topKeys(edit.text).filter((key) => !key.includes('.') && keys.concat('credHelpers').includes(key))).toEqual(
      keys.includes('credHelpers') ? keys : [...keys, 'credHelpers'],
    );
    // Every line of the old file is still there (except the closing brace's neighbour, which gains a comma).
    const lines = (text: string) => text.split(/\r?\n/);
    const kept = lines(before).filter((line) => !lines(edit.text).includes(line));
    expect(kept.length).toBeLessThanOrEqual(2);
    // Same indentation, line endings and final newline.
    expect(edit.text.includes('\r\n')).toBe(before.includes('\r\n'));
    expect(/\n$/.test(edit.text)).toBe(/\n$/.test(before));
    expect(edit.text).toContain(`${detectLayout(before).indent.repeat(2)}"${ECR}": "ecr-login"`);
  });

  it.each(['docker-desktop-mac.json', 'ci-runner-linux.json', 'osxkeychain-two-spaces.json', 'windows-four-spaces-crlf.json'])(
    '%s: a second run changes nothing',
    (name) => {
      const once = editClientConfig(fixture(name), { hosts: [ECR], allEcr: true, credsStore: true, force: true }, name);
      expect(once.changes.length).toBeGreaterThan(0);
      const twice = editClientConfig(once.text, { hosts: [ECR], allEcr: true, credsStore: true, force: true }, name);
      expect(twice).toEqual({ text: once.text, changes: [], warnings: [], setsCredsStore: false });
    },
  );

  it('--all-ecr: the ECR hosts in auths (URL keys and repository keys too) and in credHelpers, plus public.ecr.aws', () => {
    expect(editClientConfig(fixture('ci-runner-linux.json'), { hosts: [], allEcr: true, credsStore: false }, 'f').changes).toEqual([
      'credHelpers: added 222233334444.dkr.ecr.eu-central-1.amazonaws.com',
      'credHelpers: added public.ecr.aws',
    ]);
    expect(editClientConfig(fixture('containers-auth.json'), { hosts: [], allEcr: true, credsStore: false }, 'f').changes).toEqual([
      'credHelpers: added 666677778888.dkr.ecr.eu-west-1.amazonaws.com',
      'credHelpers: added public.ecr.aws',
    ]);
    // An ECR host already routed to another helper is switched; gcloud's entries stay.
    const edit = editClientConfig(fixture('osxkeychain-two-spaces.json'), { hosts: [], allEcr: true, credsStore: false }, 'f');
    expect(edit.changes).toEqual([
      'credHelpers: 444455556666.dkr.ecr.us-east-1.amazonaws.com now uses ecr-login (was "desktop")',
      'credHelpers: added public.ecr.aws',
    ]);
    expect(JSON.parse(edit.text).credHelpers).toEqual({
      'gcr.io': 'gcloud',
      'us-docker.pkg.dev': 'gcloud',
      '333344445555.dkr.ecr.ap-southeast-2.amazonaws.com': 'ecr-login',
      '444455556666.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login',
      'public.ecr.aws': 'ecr-login',
    });
  });

  it('--creds-store without --force refuses to replace another store, naming the logins that would vanish', () => {
    expect(() => editClientConfig(fixture('docker-desktop-mac.json'), { hosts: [], allEcr: false, credsStore: true }, 'f')).toThrow(
      new ConfigError(
        `not replacing "credsStore": "desktop" (Docker Desktop's store) in f: docker would then ask ecr-login for every registry, and the logins kept in Docker Desktop's store (111122223333.dkr.ecr.us-west-2.amazonaws.com, https://index.docker.io/v1/, ghcr.io) would vanish from docker; route ECR registries with --registry or --all-ecr instead (recommended), or add --force to replace it`,
      ),
    );
    // Logins with credentials of their own in auths stay visible: they are not the store's.
    const own = '{"auths": {"a.example": {"auth": "eA=="}, "b.example": {}}, "credsStore": "osxkeychain"}';
    expect(() => editClientConfig(own, { hosts: [], allEcr: false, credsStore: true }, 'f')).toThrow(
      '(the macOS Keychain) in f: docker would then ask ecr-login for every registry, and the logins kept in the macOS Keychain (b.example) would',
    );
    // Per-registry routing is untouched by the refusal.
    expect(editClientConfig(fixture('docker-desktop-mac.json'), hostsOnly, 'f').changes).toEqual([`credHelpers: added ${ECR}`]);
  });

  it('--creds-store --force: replaces another store in place, and warns that its logins stay behind', () => {
    const edit = editClientConfig(fixture('docker-desktop-mac.json'), { hosts: [], allEcr: false, credsStore: true, force: true }, 'f');
    expect(edit.changes).toEqual(['credsStore: set to ecr-login (was desktop)']);
    expect(edit.warnings).toEqual([expect.stringContaining('credsStore was "desktop"')]);
    expect(edit.text).toContain('\t"credsStore": "ecr-login",\n\t"currentContext"');
  });

  it('lays out a one-line credHelpers it adds to; other one-line values stay one line', () => {
    const before = '{\n  "credHelpers": {"gcr.io": "gcloud"},\n  "cliPluginsExtraDirs": ["/a", "/b"]\n}\n';
    expect(editClientConfig(before, hostsOnly, 'f').text).toBe(
      `{\n  "credHelpers": {\n    "gcr.io": "gcloud",\n    "${ECR}": "ecr-login"\n  },\n  "cliPluginsExtraDirs": ["/a", "/b"]\n}\n`,
    );
  });

  it('a missing or empty file becomes a tab-indented one with a final newline', () => {
    const expected = `{\n\t"credHelpers": {\n\t\t"${ECR}": "ecr-login"\n\t}\n}\n`;
    expect(editClientConfig(undefined, hostsOnly, 'f').text).toBe(expected);
    expect(editClientConfig(' \n', hostsOnly, 'f').text).toBe(expected);
  });

  it.each([
    [
      'a host named twice in credHelpers',
      `{"credHelpers": {"${ECR}": "desktop", "${ECR}": "gcloud"}}`,
      { hosts: [ECR], allEcr: false, credsStore: false },
      `f: "credHelpers" has "${ECR}" twice (docker reads the last): keep one, then run configure again`,
    ],
    [
      'credHelpers twice',
      `{"credHelpers": {"gcr.io": "gcloud"}, "credHelpers": {}}`,
      { hosts: [ECR], allEcr: false, credsStore: false },
      'f: the top level has "credHelpers" twice (docker reads the last): keep one, then run configure again',
    ],
    [
      'credsStore twice',
      '{"credsStore": "", "credsStore": "desktop"}',
      { hosts: [], allEcr: false, credsStore: true, force: true },
      'f: the top level has "credsStore" twice (docker reads the last): keep one, then run configure again',
    ],
  ])(
    'refuses to add where a key on the path appears twice (docker reads the last, the edit would change the first): %s',
    (_what, text, request, message) => {
      expect(() => editClientConfig(text, request, 'f')).toThrow(DuplicateKeyError);
      expect(() => editClientConfig(text, request, 'f')).toThrow(message);
    },
  );

  it('a duplicate that already names ecr-login last is already configured: docker reads that one', () => {
    const text = `{"credHelpers": {"${ECR}": "desktop", "${ECR}": "ecr-login"}}`;
    expect(editClientConfig(text, hostsOnly, 'f')).toEqual({ text, changes: [], warnings: [], setsCredsStore: false });
  });

  it.each([
    [
      'malformed.json',
      fixture('malformed.json'),
      'cannot parse malformed.json: expected a key in double quotes, found "}" at line 4, column 1',
    ],
    ['a list', '[]', 'cannot use a list: it holds JSON but not an object'],
    ['credHelpers as a list', '{"credHelpers": []}', 'cannot change credHelpers as a list: "credHelpers" is not a JSON object'],
  ])('refuses %s, naming the file and the place', (name, text, message) => {
    expect(() => editClientConfig(text, hostsOnly, name)).toThrow(ConfigError);
    expect(() => editClientConfig(text, hostsOnly, name)).toThrow(message);
  });
});

describe('formatUnifiedDiff', () => {
  it('prints a hunk with three lines of context', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\n';
    const after = 'a\nb\nc\nd\nX\ne\nf\ng\n';
    expect(formatUnifiedDiff(before, after, 'old', 'new')).toBe('--- old\n+++ new\n@@ -2,6 +2,7 @@\n b\n c\n d\n+X\n e\n f\n g\n');
    expect(formatUnifiedDiff(before, before, 'old', 'new')).toBe('');
  });

  it('shows a new file as added from /dev/null and a missing final newline as diff does', () => {
    expect(formatUnifiedDiff('', '{}\n', '/dev/null', 'f')).toBe('--- /dev/null\n+++ f\n@@ -0,0 +1 @@\n+{}\n');
    // One file against itself (configure's case): no `Index:` line, as diff -u writes none.
    expect(formatUnifiedDiff('a\n', 'b\n', 'f', 'f')).toBe('--- f\n+++ f\n@@ -1 +1 @@\n-a\n+b\n');
    expect(formatUnifiedDiff('a\nb', 'a\nc', 'x', 'y')).toBe(
      '--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    );
  });

  eachWithPrograms({ patch: 'patch' }, [
    'docker-desktop-mac.json',
    'ci-runner-linux.json',
    'osxkeychain-two-spaces.json',
    'windows-four-spaces-crlf.json',
    'containers-auth.json',
  ])('%s: the diff of an edit, applied by patch(1), gives the edited file', (name) => {
    const before = fixture(name);
    const { text: after } = editClientConfig(
      before,
      { hosts: [ECR, 'public.ecr.aws'], allEcr: true, credsStore: !name.startsWith('containers'), force: true },
      name,
    );
    const dir = makeTempDir();
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, before);
    const diff = formatUnifiedDiff(before, after, 'config.json', 'config.json');
    const run = runProgramSync('patch', ['--binary', '-s', file], {
      input: before.includes('\r\n') ? diff.replace(/\n/g, '\r\n') : diff,
    });
    expect(run.stderr + run.stdout).toBe('');
    expect(fs.readFileSync(file, 'utf8')).toBe(after);
  });
});
