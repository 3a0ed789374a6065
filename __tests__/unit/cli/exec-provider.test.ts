import * as path from 'node:path';
import { runProgram } from '../../../src/cli/exec-provider';
import { makeTempDir } from '../../helpers/temp-dir';

/* The runner doctor --kubelet starts providers with: kubelet's exec, as Go's exec.CommandContext does it. */

const node = process.execPath;

describe('runProgram', () => {
  it('passes the arguments, exactly the environment given, and the request on stdin; collects stdout and stderr', async () => {
    const script =
      'let input="";process.stdin.on("data",(c)=>input+=c).on("end",()=>{' +
      'process.stdout.write(JSON.stringify({input,args:process.argv.slice(1),env:Object.keys(process.env).sort()}));' +
      'process.stderr.write("note\\n");process.exitCode=3;});';
    const run = await runProgram(node, ['-e', script, 'get-credentials'], {
      env: { ONLY_THIS: '1' },
      stdin: '{"image":"x"}\n',
      timeoutMs: 20_000,
    });
    expect(run).toMatchObject({ status: 'exited', code: 3, signal: null, stderr: 'note\n' });
    const seen = JSON.parse(run.status === 'exited' ? run.stdout : '{}');
    expect(seen).toEqual({ input: '{"image":"x"}\n', args: ['get-credentials'], env: ['ONLY_THIS'] });
  });

  it('kills a program that has not ended by the deadline', async () => {
    const started = Date.now();
    const run = await runProgram(node, ['-e', 'process.stderr.write("waiting\\n");setInterval(()=>{},1000)'], {
      env: {},
      stdin: '',
      timeoutMs: 3000,
    });
    // What it wrote before the kill is kept (kubelet logs it); a slow start may not have written it yet.
    expect(run).toEqual({ status: 'timed-out', stderr: expect.stringMatching(/^(waiting\n)?$/) });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a program that does not exist is not started, and says why', async () => {
    const run = await runProgram(path.join(makeTempDir(), 'ecr-credential-provider'), [], { env: {}, stdin: '', timeoutMs: 5000 });
    expect(run).toMatchObject({ status: 'not-started', reason: expect.stringContaining('ENOENT') });
  });
});
