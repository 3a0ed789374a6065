/** What an SDK message becomes after `Command failed:`, where a credential_process failure puts its command line and output. */
const COMMAND_FAILED = 'Command failed:';
const NOT_LOGGED = `${COMMAND_FAILED} [the credential_process command line and its output are not shown: they may hold secrets]`;
/** Longer than any AWS error message; what the SDK passes on from elsewhere is cut here. */
const MAX_LENGTH = 1000;

/**
 * Text from the AWS SDK (an error's message, a line of its logger) as it may be logged or
 * shown: a failing `credential_process` makes the SDK report Node's `Command failed: <command
 * line>\n<its stderr>`, and both may hold secrets (a password in argv, a token the program
 * printed), so everything from there on is dropped; and the text is cut to 1000 characters.
 * Runs of whitespace become one space. Linear in the length of `text`.
 */
export function sanitizeSdkText(text: string): string {
  const at = text.indexOf(COMMAND_FAILED);
  const kept = at === -1 ? text : `${text.slice(0, at)}${NOT_LOGGED}`;
  const cut = kept.length > MAX_LENGTH ? `${kept.slice(0, MAX_LENGTH)}…` : kept;
  return cut.replace(/\s+/g, ' ').trim();
}
