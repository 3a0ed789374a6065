import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { itWithSymlinks } from '../helpers/platform';
import { describeNodeOnly, HELPER_BIN, PROVIDER_BIN, runHelper, startHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

const HOST = '123456789012.dkr.ecr.eu-north-1.amazonaws.com';

const emulator = useEmulator();

/** Runs the helper with a preload that records every module it require()s. */
async function modulesLoadedBy(args: string[], input: string, env: Record<string, string>): Promise<string[]> {
  const dir = makeTempDir();
  const log = path.join(dir, 'loaded.txt');
  const preload = path.join(dir, 'trace.js');
  fs.writeFileSync(
    preload,
    `const M=require('module');const seen=[];const orig=M._load;M._load=function(r,p,m){seen.push(r);return orig.apply(this,arguments)};process.on('exit',()=>require('fs').writeFileSync(${JSON.stringify(log)},seen.join('\\n')));`,
  );
  const out = await startHelper(args, input, env, [process.execPath, '--require', preload, HELPER_BIN]).result;
  expect(out.code).toBe(0);
  return fs.readFileSync(log, 'utf8').split('\n');
}

describeNodeOnly(
  'the cache-hit path stays light',
  'it traces require() of the Node bundle; the executable has its chunks compiled in, and `npm run bench` times its hits',
  () => {
    it('a hit loads neither the AWS SDK, nor commander, nor the lock library', async () => {
      const env = { HOME: makeTempDir(), ...emulator.env() };
      expect((await runHelper(['get'], HOST, env)).code).toBe(0);
      const onMiss = await modulesLoadedBy(['get'], '123456789012.dkr.ecr.eu-west-3.amazonaws.com', env);
      expect(onMiss).toEqual(expect.arrayContaining(['./vendor-aws-sdk.js', './vendor-proper-lockfile.js']));
      const onHit = await modulesLoadedBy(['get'], HOST, env);
      const heavy = onHit.filter((m) => /vendor-|@aws-sdk|commander|proper-lockfile/.test(m));
      expect(heavy).toEqual([]);
    });
  },
);

describeNodeOnly('the launcher', 'it tests the bin/ launcher of the npm package', () => {
  it('in a checkout that was never built, says what to run instead of crashing', async () => {
    const checkout = makeTempDir();
    fs.mkdirSync(path.join(checkout, 'bin'));
    fs.copyFileSync(HELPER_BIN, path.join(checkout, 'bin', 'docker-credential-ecr-login'));
    const out = await startHelper(['get'], 'public.ecr.aws', { HOME: checkout }, [
      process.execPath,
      path.join(checkout, 'bin', 'docker-credential-ecr-login'),
    ]).result;
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('credentials not found in native keychain\n');
    expect(out.stderr).toBe(`ecr-login: not built: run \`npm ci && npm run build\` in ${checkout}\n`);
  });
});

describeNodeOnly('the provider launcher', 'it tests the bin/ launcher of the npm package (executable.test.ts tests its links)', () => {
  it('copied alone into a bin dir, says to link it instead of crashing', async () => {
    const binDir = makeTempDir();
    fs.copyFileSync(PROVIDER_BIN, path.join(binDir, 'ecr-credential-provider'));
    const out = await startHelper([], '', { HOME: binDir }, [process.execPath, path.join(binDir, 'ecr-credential-provider')]).result;
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `ecr-credential-provider: docker-credential-ecr-login is not beside ${path.join(binDir, 'ecr-credential-provider')}: link this file (ln -s) instead of copying it, or copy the whole package\n`,
    });
  });

  itWithSymlinks('linked into a bin dir, answers kubelet', async () => {
    const binDir = makeTempDir();
    fs.symlinkSync(PROVIDER_BIN, path.join(binDir, 'ecr-credential-provider'));
    const out = await startHelper([], '{}', { HOME: binDir }, [process.execPath, path.join(binDir, 'ecr-credential-provider')]).result;
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'ecr-credential-provider: invalid CredentialProviderRequest: kind is "", expected "CredentialProviderRequest"\n',
    });
  });
});
