import { type ChildProcess, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { describeOnLinux } from '../helpers/platform';
import { HELPER_COMMAND, runHelper, startHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

/*
 * Standard input as clients really give it. Docker's Go client hands the helper one end of an
 * os.Pipe, kubelet too; shells give pipes and files. On Linux the helper reopens /dev/stdin
 * non-blocking and reads what is already there at once (src/entry/process-io.ts,
 * `readAvailable`), then polls. Node's own `stdio: 'pipe'` (what the other tests use) is a
 * socket pair, which cannot be reopened, so the helper falls back to the stream there: these
 * tests give it the descriptors the reopening path sees.
 */

const HOST = '123456789012.dkr.ecr.eu-west-3.amazonaws.com';
const emulator = useEmulator();

function environment(extra: Record<string, string> = {}) {
  return { HOME: makeTempDir(), ...emulator.env(), ...extra };
}

/** A FIFO opened for reading (non-blocking, as the child's stdin) and for writing (the test's end). */
function openFifo(): { fifo: string; reader: number; writer: number } {
  const fifo = path.join(makeTempDir(), 'stdin');
  execFileSync('/usr/bin/mkfifo', [fifo]);
  const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const writer = fs.openSync(fifo, fs.constants.O_WRONLY);
  return { fifo, reader, writer };
}

/** How many of process `pid`'s descriptors are open on `file` (0 once it has exited). */
function descriptorsOn(pid: number | undefined, file: string): number {
  const dir = `/proc/${pid}/fd`;
  try {
    return fs.readdirSync(dir).filter((fd) => {
      try {
        return fs.readlinkSync(path.join(dir, fd)) === file;
      } catch {
        return false;
      }
    }).length;
  } catch {
    return 0;
  }
}

/** Runs `get` with `fd` as its standard input (closed here once the child has it). */
async function getWithStdin(fd: number, env: Record<string, string>, afterStart?: (child: ChildProcess) => Promise<void>) {
  const started = startHelper(['get'], '', env, HELPER_COMMAND, { stdinFd: fd });
  fs.closeSync(fd);
  await afterStart?.(started.child);
  return started.result;
}

describeOnLinux('standard input as clients give it', 'reopening /dev/stdin non-blocking', () => {
  it('a pipe whose writer wrote the request and closed (docker, kubelet, `printf | helper`): answered', async () => {
    const env = environment();
    const viaShell = await startHelper(['get'], '', env, ['/bin/sh', '-c', 'printf %s "$0" | exec "$@"', HOST, ...HELPER_COMMAND]).result;
    expect(viaShell.code).toBe(0);
    const hit = await runHelper(['get'], HOST, env);
    expect(JSON.parse(viaShell.stdout)).toEqual(JSON.parse(hit.stdout));
  });

  it('a file holding the request (`< request`): answered', async () => {
    const file = path.join(makeTempDir(), 'request');
    fs.writeFileSync(file, `${HOST}\n`);
    const out = await getWithStdin(fs.openSync(file, 'r'), environment());
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ ServerURL: HOST, Username: 'AWS', Secret: emulator.issued[0]?.password });
  });

  it('a request that arrives in two writes, the second after the helper started: answered whole', async () => {
    const { fifo, reader, writer } = openFifo();
    const cut = 12;
    fs.writeSync(writer, HOST.slice(0, cut));
    const out = await getWithStdin(reader, environment(), async (child) => {
      // The rest only once the helper has reopened its standard input (fd 0 and the reopened
      // one) and so read the first part: it must wait and read again to get the whole request.
      await waitFor(() => descriptorsOn(child.pid, fifo) >= 2, 10_000, 'the helper to reopen its standard input');
      fs.writeSync(writer, HOST.slice(cut));
      fs.closeSync(writer);
    });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).ServerURL).toBe(HOST);
  });

  it('a writer that stays silent: the input deadline answers, not a hang', async () => {
    const { reader, writer } = openFifo();
    try {
      const out = await getWithStdin(reader, environment({ AWS_ECR_COMMAND_TIMEOUT: '2' }));
      expect(out).toMatchObject({ code: 1, stdout: 'no complete request on standard input within 1 s: write it and close stdin\n' });
    } finally {
      fs.closeSync(writer);
    }
  });

  it('a device that never ends (`< /dev/zero`): refused at the size limit', async () => {
    const out = await getWithStdin(fs.openSync('/dev/zero', 'r'), environment());
    expect(out).toMatchObject({ code: 1, stdout: 'input too large: more than 65536 bytes on standard input\n' });
  });

  it('a line with no end through a pipe (`yes | tr -d "\\n" | helper get`): refused at the size limit', async () => {
    const endless = '/usr/bin/yes | /usr/bin/tr -d "\\n" | exec "$@"';
    const out = await startHelper(['get'], '', environment(), ['/bin/sh', '-c', endless, 'sh', ...HELPER_COMMAND]).result;
    expect(out).toMatchObject({ code: 1, stdout: 'input too large: more than 65536 bytes on standard input\n' });
  });

  it('nothing at all (`< /dev/null`): the protocol answer for no server URL', async () => {
    const fromDevNull = await getWithStdin(fs.openSync('/dev/null', 'r'), environment());
    const fromEmptyPipe = await runHelper(['get'], '', environment());
    expect(fromDevNull.code).toBe(1);
    expect(fromDevNull.stdout).toBe(fromEmptyPipe.stdout);
  });
});
