import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { anchorsOf, brokenLinks, githubSlug, linksOf, type MarkdownTree } from '../helpers/markdown-links';
import { runInProcess } from '../helpers/run-in-process';

const root = path.resolve(__dirname, '../..');

/** The repository's tracked Markdown files, read from the working tree. */
function repositoryTree(): MarkdownTree {
  const files = execFileSync('git', ['ls-files', '-z', '--', '*.md'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && fs.existsSync(path.join(root, file)));
  return {
    files,
    exists: (file) => fs.existsSync(path.join(root, file)),
    read: (file) => fs.readFileSync(path.join(root, file), 'utf8'),
  };
}

/** An in-memory tree, for the checker's own cases. */
function memoryTree(contents: Record<string, string>, others: string[] = []): MarkdownTree {
  const all = new Set([...Object.keys(contents), ...others]);
  return {
    files: Object.keys(contents),
    exists: (file) => all.has(file) || [...all].some((name) => name.startsWith(`${file}/`)),
    read: (file) => contents[file] ?? '',
  };
}

describe('the Markdown files', () => {
  it('have no relative link or #anchor that does not resolve', () => {
    const tree = repositoryTree();
    expect(tree.files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/kubernetes.md']));
    const broken = brokenLinks(tree).map(({ file, line, target, problem }) => `${file}:${line}: (${target}) ${problem}`);
    expect(broken).toEqual([]);
  });

  it('README.md stays a guide of at most ~400 lines that opens with the two commands', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(420);
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run demo\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
  });

  it('README.md documents every environment variable --help lists, and AWS_USE_DUALSTACK_ENDPOINT', async () => {
    const { code, stdout: help } = await runInProcess(['--help']);
    expect(code).toBe(0);
    const section = help.slice(help.indexOf('Environment:'), help.indexOf('Files (for this user'));
    const listed = [...section.matchAll(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b(?:PATH|PATHEXT|TERM)\b/g)].map((match) => match[0]);
    expect(listed.length).toBeGreaterThan(20);
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const missing = [...new Set([...listed, 'AWS_USE_DUALSTACK_ENDPOINT'])].filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});

describe('the link checker', () => {
  it('makes the slugs GitHub makes', () => {
    expect(githubSlug('Diagnose: `doctor`')).toBe('diagnose-doctor');
    expect(githubSlug('`configure`: let the helper write it')).toBe('configure-let-the-helper-write-it');
    expect(githubSlug('Against `node -e 0` (`npm run bench`)')).toBe('against-node--e-0-npm-run-bench');
    expect(githubSlug('EKS AL2023 (nodeadm)')).toBe('eks-al2023-nodeadm');
    expect(githubSlug('§1 The docker credential-helper protocol')).toBe('1-the-docker-credential-helper-protocol');
    expect(githubSlug('Quick start: a laptop')).toBe('quick-start-a-laptop');
  });

  it('numbers repeated headings, and skips headings and links inside code', () => {
    const text =
      '# A\n## Usage\n## Usage\n```sh\n# not a heading [x](nowhere.md)\n```\n<a id="here"></a>\n`[y](no.md)` [z](b.md#usage-1)\n';
    expect([...anchorsOf(text)].sort()).toEqual(['a', 'here', 'usage', 'usage-1']);
    expect(linksOf(text)).toEqual([{ line: 8, target: 'b.md#usage-1' }]);
  });

  it('reports a dangling anchor, a missing file and a link out of the repository; accepts the rest', () => {
    const tree = memoryTree(
      {
        'README.md': '# Guide\n## Install\n[ok](#install) [ok](docs/k.md#eks) [ok](LICENSE) [ok](docs/) [web](https://example.com/#x)\n',
        'docs/k.md': '# K\n## EKS\n[up](../README.md#guide) [bad](../README.md#speed)\n[gone](missing.md) [out](../../releases)\n',
      },
      ['LICENSE'],
    );
    expect(brokenLinks(tree)).toEqual([
      { file: 'docs/k.md', line: 3, target: '../README.md#speed', problem: 'no heading in README.md has the anchor #speed' },
      { file: 'docs/k.md', line: 4, target: 'missing.md', problem: 'docs/missing.md does not exist' },
      { file: 'docs/k.md', line: 4, target: '../../releases', problem: 'points outside the repository' },
    ]);
  });
});
