import { describeRoleArnProblem, isRoleArn, quotePrefix } from '../../../src/settings/parse-role-arn';

const ACCOUNT = '123456789012';

describe('describeRoleArnProblem: IAM role ARNs by IAM’s grammar', () => {
  it.each([
    `arn:aws:iam::${ACCOUNT}:role/puller`,
    `arn:aws-cn:iam::${ACCOUNT}:role/puller`,
    `arn:aws-us-gov:iam::${ACCOUNT}:role/puller`,
    `arn:aws-iso-b:iam::${ACCOUNT}:role/puller`,
    `arn:aws-eusc:iam::${ACCOUNT}:role/puller`,
    `arn:aws:iam::${ACCOUNT}:role/teams/a/puller`,
    // Path characters are any printable ASCII; names are [\w+=,.@-].
    `arn:aws:iam::${ACCOUNT}:role/a!b~c/x+=,.@_-`,
    `arn:aws:iam::${ACCOUNT}:role/${'n'.repeat(64)}`,
    `arn:aws:iam::${ACCOUNT}:role/${'p'.repeat(510)}/x`,
  ])('%s is one', (arn) => {
    expect(describeRoleArnProblem(arn)).toBeUndefined();
    expect(isRoleArn(arn)).toBe(true);
  });

  it.each([
    ['', 'not of the form'],
    [`arn:aws:iam::${ACCOUNT}:user/x`, 'not a role'],
    [`arn:aws:sts::${ACCOUNT}:role/x`, 'not an IAM ARN'],
    [`arn:aws:iam:us-east-1:${ACCOUNT}:role/x`, 'not an IAM ARN'],
    [`arn:aws:iam::${ACCOUNT}:role/a:b`, 'not of the form'],
    [`arn:aws:iam::12345678901:role/x`, 'the account is not 12 digits'],
    [`arn:aws:iam::12345678901a:role/x`, 'the account is not 12 digits'],
    [`arn:awsx:iam::${ACCOUNT}:role/x`, 'unknown partition'],
    [`arn:aws:iam::${ACCOUNT}:role/`, 'the role name must be'],
    [`arn:aws:iam::${ACCOUNT}:role/teams/`, 'the role name must be'],
    [`arn:aws:iam::${ACCOUNT}:role/${'n'.repeat(65)}`, 'the role name must be'],
    [`arn:aws:iam::${ACCOUNT}:role/a b`, 'the role name must be'],
    [`arn:aws:iam::${ACCOUNT}:role/é`, 'the role name must be'],
    [`arn:aws:iam::${ACCOUNT}:role/a b/x`, 'the role path must be'],
    [`arn:aws:iam::${ACCOUNT}:role/a\u0000/x`, 'the role path must be'],
    [`arn:aws:iam::${ACCOUNT}:role/${'p'.repeat(511)}/x`, 'the role path must be'],
    [`arn:aws:iam::${ACCOUNT}:role/${'a/'.repeat(1100)}x`, 'longer than 2048 characters'],
  ])('%j is not: %s', (arn, problem) => {
    expect(describeRoleArnProblem(arn)).toContain(problem);
    expect(isRoleArn(arn)).toBe(false);
  });
});

describe('quotePrefix', () => {
  it.each([
    ['short', '"short"'],
    ['a\u001b[31mb', '"a\\u001b[31mb"'],
    ['x'.repeat(60), `"${'x'.repeat(48)}"…`],
  ])('%j -> %s', (value, quoted) => {
    expect(quotePrefix(value)).toBe(quoted);
  });
});
