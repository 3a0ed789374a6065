import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { formatProgramRuns, PROGRAM_RUNS_KEY, type ProgramRuns } from './program-runs';

/**
 * The suite's test environment: Node's, plus one rule: a test that fails shows what the
 * programs it ran said (helpers/program-runs.ts), as one more error under its own. A failure
 * of a test that only compared an exit code then still shows the program's stderr.
 */
export default class ProgramRunsEnvironment extends TestEnvironment {
  handleTestEvent(event: Circus.Event): void {
    const global = this.global as unknown as Record<string, ProgramRuns | undefined>;
    if (event.name === 'test_start') global[PROGRAM_RUNS_KEY] = undefined;
    if (event.name !== 'test_done') return;
    const log = global[PROGRAM_RUNS_KEY];
    if (event.test.errors.length === 0 || log === undefined || log.runs.length === 0) return;
    const text = formatProgramRuns(log);
    // jest prints an error's stack, which for this one is the text alone.
    event.test.errors.push({ message: text, stack: text });
  }
}
