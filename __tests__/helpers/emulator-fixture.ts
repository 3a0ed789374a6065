import { type EcrEmulator, startEcrEmulator } from '../../emulator/ecr-emulator';

/**
 * One ECR emulator per test file: started before the tests, reset before each (calls, issued
 * tokens, faults), closed after. Returns a stand-in that forwards to the running emulator, so
 * tests can write `emulator.calls` at the top level of the file.
 */
export function useEmulator(): EcrEmulator {
  let running: EcrEmulator | undefined;
  beforeAll(async () => {
    running = await startEcrEmulator();
  });
  afterAll(() => running?.close());
  beforeEach(() => running?.reset());
  return new Proxy({} as EcrEmulator, {
    get(_target, property) {
      if (!running) throw new Error('the emulator is used outside a test');
      const value: unknown = Reflect.get(running, property);
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}
