import { CredentialsNotFoundError, HelperError, TokenFetchError, UsageError } from '../../src/errors';

describe('HelperError', () => {
  it('keeps subclass checks exact', () => {
    const error = new TokenFetchError('network', 'unreachable');
    expect(error instanceof HelperError).toBe(true);
    expect(error instanceof TokenFetchError).toBe(true);
    expect(error instanceof UsageError).toBe(false);
    expect(new CredentialsNotFoundError() instanceof TokenFetchError).toBe(false);
  });

  it('answers the protocol string for token failures and keeps the hint for stderr', () => {
    const error = new TokenFetchError('access-denied', 'grant ecr:GetAuthorizationToken');
    expect(error.protocolMessage).toBe('credentials not found in native keychain');
    expect(error.hint).toBe('grant ecr:GetAuthorizationToken');
    expect(error.name).toBe('TokenFetchError');
  });
});
