import * as path from 'node:path';
import { runProgramSync } from '../helpers/program-runs';
import { describeNodeOnly } from '../helpers/run-helper';
import { testPath } from '../helpers/test-path';

const ROOT = path.resolve(__dirname, '../..');

describeNodeOnly('npm run demo', 'the demo walks through the npm package, started by Node', () => {
  it('runs every step against the bundled emulator and says so', () => {
    // The build in `pretest` made dist/dev/demo.js; `npm run demo` is `npm run build` and this.
    const run = runProgramSync(process.execPath, [path.join(ROOT, 'dist/dev/demo.js')], {
      cwd: ROOT,
      env: { PATH: testPath() },
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('demo: all steps behaved as documented');
    expect(run.stdout).not.toMatch(/^\s*FAIL/m);
  });
});
