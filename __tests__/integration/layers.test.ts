import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * `npm run lint` checks the layering of src/ with dependency-cruiser. These tests plant a
 * forbidden import in a copy of src/ and check that the rule catches it, so the rule set
 * cannot silently stop matching (a renamed folder, a broken parser).
 */

const ROOT = path.resolve(__dirname, '../..');

function cruiseWith(plant: (src: string) => void): { status: number | null; output: string } {
  const dir = makeTempDir();
  fs.cpSync(path.join(ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
  for (const file of ['tsconfig.json', '.dependency-cruiser.cjs', 'package.json'])
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  // A junction on Windows, which needs no privilege (the type is ignored elsewhere).
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
  plant(path.join(dir, 'src'));
  // Its script run by this Node: node_modules/.bin/depcruise is a shell script, depcruise.cmd on Windows.
  const depcruise = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const run = spawnSync(process.execPath, [depcruise, 'src', '--config', '.dependency-cruiser.cjs'], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const append = (file: string, line: string): void => fs.appendFileSync(file, `\n${line}\n`);

describe('the layer rules', () => {
  it('pass on the code as it is', () => {
    expect(cruiseWith(() => undefined)).toMatchObject({ status: 0 });
  });

  it.each([
    [
      'a lower layer importing a higher one',
      'lock/with-lock.ts',
      "import type { HelperServices } from '../services';\nexport type Planted = HelperServices;",
      /error lock-imports-down-only: src\/lock\/with-lock\.ts → src\/services\.ts/,
    ],
    [
      'a sibling importing a sibling',
      'aws/token-source.ts',
      "import type { TokenStore } from '../store/token-store';\nexport type Planted = TokenStore;",
      /error aws-imports-down-only: src\/aws\/token-source\.ts → src\/store\/token-store\.ts/,
    ],
    [
      'a leaf importing a layer',
      'log.ts',
      "import { resolveToken } from './resolver/resolve-token';\nexport const planted = resolveToken;",
      /error leaves-imports-down-only: src\/log\.ts → src\/resolver\/resolve-token\.ts/,
    ],
    [
      'the AWS SDK imported outside aws/',
      'store/file-store.ts',
      "import { ECRClient } from '@aws-sdk/client-ecr';\nexport const planted = ECRClient;",
      /error gated-node_modules-aws-sdk: src\/store\/file-store\.ts → (\.\.\/)*[^ ]*node_modules\/@aws-sdk\/client-ecr\//,
    ],
    [
      'configure importing doctor',
      'cli/configure/edit-client-config.ts',
      "import { formatDuration } from '../doctor/doctor-check';\nexport const planted = formatDuration;",
      /error configure-does-not-import-doctor: src\/cli\/configure\/edit-client-config\.ts → src\/cli\/doctor\/doctor-check\.ts/,
    ],
    [
      'doctor importing configure',
      'cli/doctor/format-doctor-report.ts',
      "import { formatUnifiedDiff } from '../configure/format-unified-diff';\nexport const planted = formatUnifiedDiff;",
      /error doctor-does-not-import-configure: src\/cli\/doctor\/format-doctor-report\.ts → src\/cli\/configure\/format-unified-diff\.ts/,
    ],
    [
      'a doctor check importing another',
      'cli/doctor/checks/ecr-token.ts',
      "import { stsIdentity } from './aws-identity';\nexport const planted = stsIdentity;",
      /error doctor-checks-apart: src\/cli\/doctor\/checks\/ecr-token\.ts → src\/cli\/doctor\/checks\/aws-identity\.ts/,
    ],
    [
      'jsonc-parser imported outside edit-json-text.ts',
      'cli/configure/edit-settings.ts',
      "import { parseTree } from 'jsonc-parser';\nexport const planted = parseTree;",
      /error gated-node_modules-jsonc-parser: src\/cli\/configure\/edit-settings\.ts → (\.\.\/)*[^ ]*node_modules\/jsonc-parser\//,
    ],
    [
      'diff imported outside format-unified-diff.ts',
      'cli/configure/plan-file-edit.ts',
      "import { createTwoFilesPatch } from 'diff';\nexport const planted = createTwoFilesPatch;",
      /error gated-node_modules-diff: src\/cli\/configure\/plan-file-edit\.ts → (\.\.\/)*[^ ]*node_modules\/diff\//,
    ],
  ])('fail on %s', (_what, file, line, expected) => {
    const result = cruiseWith((src) => append(path.join(src, file), line));
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(expected);
  });
});
