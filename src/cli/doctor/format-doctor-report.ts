import { escapeControls } from '../../safe-text/format-line';
import { CHECK_TITLES, type CheckResult } from './check-result';

/** What decides colour: whether stdout is a terminal, and the conventions' variables. */
export interface ColourEnv {
  readonly NO_COLOR?: string | undefined;
  readonly FORCE_COLOR?: string | undefined;
  readonly TERM?: string | undefined;
}

/**
 * Colour or not, as Node's own util.inspect and most CLIs decide: `FORCE_COLOR` set to
 * anything but `0`/`false` forces it, `FORCE_COLOR=0` forbids it; otherwise never with
 * `NO_COLOR` set to a non-empty value (no-color.org) or on a `dumb` terminal, and only when
 * stdout is a terminal.
 */
export function shouldUseColour(isTerminal: boolean, env: ColourEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTerminal;
}

const COLOURS = { OK: '\u001b[32m', FAIL: '\u001b[31m', SKIP: '\u001b[33m' } as const;
const RESET = '\u001b[0m';
const DIM = '\u001b[2m';

/**
 * The JSON report: `{"host", "checks":[{"name","status","detail","fix"}], "ok"}` and a newline;
 * doctor --kubelet adds `"image"` (and has no host).
 */
export function formatDoctorJson(host: string | undefined, checks: readonly CheckResult[], image?: string): string {
  const report = {
    host: host ?? null,
    ...(image === undefined ? {} : { image }),
    checks: checks.map(({ name, status, detail, fix }) => ({ name, status, detail, fix })),
    ok: checks.every((check) => check.status !== 'FAIL'),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The report for a terminal: one block per check, the fix under what failed, a summary line.
 * What the checks quote (the docker config's keys and credsStore, argv, AWS error text) has
 * its control characters escaped, as in the log: a config file must not drive the terminal.
 */
export function formatDoctorText(host: string | undefined, checks: readonly CheckResult[], colour: boolean): string {
  const paint = (code: string, text: string): string => (colour ? `${code}${text}${RESET}` : text);
  const width = Math.max(...Object.values(CHECK_TITLES).map((title) => title.length));
  const indent = ' '.repeat(2 + 4 + 2 + width + 2);
  const lines = [`docker-credential-ecr-login doctor${host ? ` ${escapeControls(host)}` : ' (no registry given)'}`, ''];
  for (const check of checks) {
    const status = paint(COLOURS[check.status], check.status.padEnd(4));
    const [first = '', ...rest] = check.detail.split('\n').map(escapeControls);
    lines.push(`  ${status}  ${CHECK_TITLES[check.name].padEnd(width)}  ${first}`, ...rest.map((line) => `${indent}${line}`));
    if (check.fix !== null) {
      const [fixFirst = '', ...fixRest] = check.fix.split('\n').map(escapeControls);
      lines.push(`${indent}${paint(DIM, 'fix:')} ${fixFirst}`, ...fixRest.map((line) => `${indent}  ${line}`));
    }
  }
  const failed = checks.filter((check) => check.status === 'FAIL');
  lines.push(
    '',
    failed.length === 0
      ? paint(COLOURS.OK, 'No problems found.')
      : paint(COLOURS.FAIL, `${failed.length} ${failed.length === 1 ? 'check' : 'checks'} failed: ${failed.map((c) => c.name).join(', ')}`),
  );
  return `${lines.join('\n')}\n`;
}
