import { type CheckResult, fail, ok, skip } from '../../../../src/cli/doctor/check-result';
import { formatDoctorJson, formatDoctorText, shouldUseColour } from '../../../../src/cli/doctor/format-doctor-report';

describe('shouldUseColour', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: 'true' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: 'false' }, false],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    [true, { FORCE_COLOR: '' }, true],
  ])('terminal %s with %j: %s', (isTerminal, env, expected) => {
    expect(shouldUseColour(isTerminal, env)).toBe(expected);
  });
});

const CHECKS: CheckResult[] = [
  ok('helper-on-path', '/usr/local/bin/docker-credential-ecr-login'),
  fail('ecr-token', 'access denied', 'add this:\n{\n  "a": 1\n}'),
  skip('registry', 'no ECR token to try (see ecr-token)'),
];

describe('formatDoctorJson', () => {
  it('is the stable schema: host, checks of name/status/detail/fix (null when none), ok', () => {
    expect(JSON.parse(formatDoctorJson('h.example', CHECKS))).toEqual({
      host: 'h.example',
      checks: [
        { name: 'helper-on-path', status: 'OK', detail: '/usr/local/bin/docker-credential-ecr-login', fix: null },
        { name: 'ecr-token', status: 'FAIL', detail: 'access denied', fix: 'add this:\n{\n  "a": 1\n}' },
        { name: 'registry', status: 'SKIP', detail: 'no ECR token to try (see ecr-token)', fix: null },
      ],
      ok: false,
    });
  });

  it('ok is true when nothing failed (skips do not count), and host null without one', () => {
    expect(JSON.parse(formatDoctorJson(undefined, [CHECKS[0] as CheckResult, CHECKS[2] as CheckResult]))).toMatchObject({
      host: null,
      ok: true,
    });
  });
});

describe('formatDoctorText', () => {
  it('without colour: aligned columns, the fix indented under its check, multi-line fixes kept, a summary', () => {
    expect(formatDoctorText('h.example', CHECKS, false)).toBe(
      [
        'docker-credential-ecr-login doctor h.example',
        '',
        '  OK    helper on PATH      /usr/local/bin/docker-credential-ecr-login',
        '  FAIL  ECR token           access denied',
        '                            fix: add this:',
        '                              {',
        '                                "a": 1',
        '                              }',
        '  SKIP  registry /v2/       no ECR token to try (see ecr-token)',
        '',
        '1 check failed: ecr-token',
        '',
      ].join('\n'),
    );
  });

  it('with colour: green OK, red FAIL, yellow SKIP, reset after each', () => {
    const text = formatDoctorText(undefined, CHECKS, true);
    expect(text).toContain('\u001b[32mOK  \u001b[0m');
    expect(text).toContain('\u001b[31mFAIL\u001b[0m');
    expect(text).toContain('\u001b[33mSKIP\u001b[0m');
    expect(text.split('\n')[0]).toBe('docker-credential-ecr-login doctor (no registry given)');
  });

  it('escapes control characters in what the checks quote (a docker config can hold them), colour codes stay', () => {
    const text = formatDoctorText(
      'h\u001b[2J.example',
      [fail('docker-config', 'credsStore docker-credential-\u001b]0;title\u0007 \u202eevil', 'fix\r\u2028it')],
      true,
    );
    expect(text.split('\n').slice(0, 4)).toEqual([
      'docker-credential-ecr-login doctor h\\x1b[2J.example',
      '',
      '  \u001b[31mFAIL\u001b[0m  docker config       credsStore docker-credential-\\x1b]0;title\\x07 \\u202eevil',
      '                            \u001b[2mfix:\u001b[0m fix\\x0d\\u2028it',
    ]);
  });

  it('says so when nothing failed', () => {
    expect(
      formatDoctorText(undefined, [CHECKS[0] as CheckResult], false)
        .trimEnd()
        .split('\n')
        .pop(),
    ).toBe('No problems found.');
  });
});
