/**
 * Typed errors. Each carries what the protocol must print on stdout (clients compare it
 * byte for byte), the exit code, and an optional hint for the person at the terminal
 * (printed on stderr, which clients do not read). Only `main.ts` turns them into exit codes.
 */

/** The exact strings docker-credential-helpers clients match (docs/peers.md §1). */
const PROTOCOL_MESSAGES = {
  notFound: 'credentials not found in native keychain',
  missingServerUrl: 'no credentials server URL',
  missingUsername: 'no credentials username',
} as const;

export abstract class HelperError extends Error {
  /** Stable machine-readable code, used in logs and tests. */
  abstract readonly code: string;
  readonly exitCode: number = 1;
  /** One line telling the user what happened and what to do; goes to stderr. */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
  }

  /** What goes on stdout. Defaults to the message. */
  get protocolMessage(): string {
    return this.message;
  }
}

/** `credentials not found in native keychain`: clients go on anonymously. */
export class CredentialsNotFoundError extends HelperError {
  readonly code = 'NOT_FOUND';
  constructor(hint?: string, options?: { cause?: unknown }) {
    super(PROTOCOL_MESSAGES.notFound, hint, options);
  }
}

export class MissingServerUrlError extends HelperError {
  readonly code = 'MISSING_SERVER_URL';
  constructor() {
    super(PROTOCOL_MESSAGES.missingServerUrl);
  }
}

export class MissingUsernameError extends HelperError {
  readonly code = 'MISSING_USERNAME';
  constructor() {
    super(PROTOCOL_MESSAGES.missingUsername);
  }
}

/** Input that no client sends: too large, binary, malformed JSON. */
export class InvalidInputError extends HelperError {
  readonly code = 'INVALID_INPUT';
}

/** A setting or a file it names that cannot be used as it is; the message says which and why. */
export class ConfigError extends HelperError {
  readonly code = 'CONFIG';
}

/** Wrong or missing action on the command line. */
export class UsageError extends HelperError {
  readonly code = 'USAGE';
}

/** An operation this helper does not offer for the given server. */
export class UnsupportedOperationError extends HelperError {
  readonly code = 'UNSUPPORTED';
}

/** Why fetching a token failed; decides the hint shown to the user. */
export type TokenFetchReason =
  | 'no-credentials'
  | 'access-denied'
  | 'invalid-credentials'
  | 'expired-credentials'
  | 'throttled'
  | 'assume-role-failed'
  | 'network'
  | 'invalid-response'
  | 'other';

/**
 * Fetching an authorization token from ECR failed. `get` still answers
 * `credentials not found in native keychain` (so clients fall back to anonymous access)
 * and prints the hint on stderr.
 */
export class TokenFetchError extends HelperError {
  readonly code = 'TOKEN_FETCH_FAILED';
  readonly reason: TokenFetchReason;
  /** With `access-denied`: the principal AWS refused, as AWS named it (doctor gives it the policy). */
  readonly principal: string | undefined;

  constructor(reason: TokenFetchReason, hint: string, options?: { cause?: unknown; principal?: string | undefined }) {
    super(hint, hint, options);
    this.reason = reason;
    this.principal = options?.principal;
  }

  override get protocolMessage(): string {
    return PROTOCOL_MESSAGES.notFound;
  }
}

/**
 * The whole command ran past its deadline (`AWS_ECR_COMMAND_TIMEOUT`). `get` answers
 * not-found, so the client goes on anonymously, as for any failure to get a token.
 */
export class CommandTimeoutError extends HelperError {
  readonly code = 'TIMEOUT';

  override get protocolMessage(): string {
    return PROTOCOL_MESSAGES.notFound;
  }
}

/**
 * The OS keychain cannot be used: no Secret Service on the D-Bus session (Linux), a locked
 * or inaccessible keychain (macOS), Credential Manager refusing access (Windows).
 */
export class KeychainUnavailableError extends HelperError {
  readonly code = 'KEYCHAIN_UNAVAILABLE';
}
