import { usageErrorOf } from '../../../src/cli/commander-program';
import { runInProcess } from '../../helpers/run-in-process';

const USAGE =
  'Usage: docker-credential-ecr-login <get|store|erase|list|version> | get-credentials | get-login-password [HOST] | kubelet-config | configure | doctor [options]';

const invoke = (args: string[]) => runInProcess(args);

describe('a mistyped command or option: did you mean …', () => {
  it.each([
    ['gett', 'get'],
    ['lsit', 'list'],
    ['doctr', 'doctor'],
    ['get-login-pasword', 'get-login-password'],
  ])('%s, as a protocol verb: stdout and exit code as before (what clients read), the suggestion on stderr', async (typed, meant) => {
    expect(await invoke([typed])).toEqual({
      code: 1,
      stdout: `unknown command '${typed}'\n${USAGE}\n`,
      stderr: `ecr-login: unknown command '${typed}': did you mean ${meant}?\n`,
    });
  });

  it('nothing like any command: no suggestion, stderr stays empty', async () => {
    expect(await invoke(['frobnicate'])).toEqual({ code: 1, stdout: `unknown command 'frobnicate'\n${USAGE}\n`, stderr: '' });
  });

  it.each([
    [['configure', '--regsitry', 'x'], "unknown option '--regsitry': did you mean --registry?"],
    [['configure', '--remove', '--al'], "unknown option '--al': did you mean --all?"],
    [['kubelet-config', '--servce-account'], "unknown option '--servce-account': did you mean --service-account?"],
    [['doctor', '--jsn'], "unknown option '--jsn': did you mean --json?"],
  ])('%j, a command: one stderr line with the suggestion, stdout empty', async (args, line) => {
    expect(await invoke(args)).toEqual({ code: 1, stdout: '', stderr: `ecr-login: ${line}\n` });
  });
});

describe("usageErrorOf (commander's message: the mistake, the usage, and the suggestion as the hint)", () => {
  it.each([
    ["error: unknown command 'gett'\n(Did you mean get?)", "unknown command 'gett'", "unknown command 'gett': did you mean get?"],
    [
      "error: unknown option '--alx'\n(Did you mean one of --all, --alias?)",
      "unknown option '--alx'",
      "unknown option '--alx': did you mean one of --all, --alias?",
    ],
    ["error: unknown command 'frobnicate'", "unknown command 'frobnicate'", undefined],
  ])('%j', (commanderMessage, mistake, hint) => {
    const error = usageErrorOf(commanderMessage);
    expect(error.message).toBe(`${mistake}\n${USAGE}`);
    expect(error.hint).toBe(hint);
  });
});
