import { MAX_SHOWN_CHARS, redact } from '../../../src/safe-text/redact';
import { randomText, seededRandom } from '../../helpers/seeded-random';

describe('redact', () => {
  it.each([
    ['token: QVdTOmV5SndZWGxzYjJGa0lqb2lZV0pqWkdWbVoyaHBhbXRzYlc1dmNIRnljM1IxZG5kNGVYb2lmUT09', 'token: [REDACTED]'],
    ['secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end', 'secret [REDACTED] end'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key AKIA…MPLE used'],
    ['path /home/someone/projects/registry/config stays', 'path /home/someone/projects/registry/config stays'],
    ['in /tmp/ecr-login-test-AbC12x/cache/cache.json here', 'in /tmp/ecr-login-test-AbC12x/cache/cache.json here'],
    ['/tmp/QVdTOmV5SndZWGxzYjJGa0lqb2lZV0pqWkdWbVoy/x', '/tmp/[REDACTED]/x'],
    ['store for https://bob:Hunter2-pass!x@registry.example.com/v2/', 'store for https://[REDACTED]@registry.example.com/v2/'],
    ['for bob:Hunter2-pass!x@registry.example.com', 'for [REDACTED]@registry.example.com'],
    ['"https://alice@ghcr.io"', '"https://[REDACTED]@ghcr.io"'],
    ['https://registry.example.com/v2/?X-Amz-Signature=abc&token=xyz done', 'https://registry.example.com/v2/?[REDACTED] done'],
    ["unknown command 'https://u:p@h.example?q=1'", "unknown command 'https://[REDACTED]@h.example?[REDACTED]'"],
    ['no userinfo in a@ alone or in words like user@', 'no userinfo in a@ alone or in words like user@'],
    [
      'no stored credentials for bob:pw@host.example.com/v2/?token=QQQsecret',
      'no stored credentials for [REDACTED]@host.example.com/v2/?[REDACTED]',
    ],
    ['https://bob:p@ss@host.example.com/v2/', 'https://[REDACTED]@host.example.com/v2/'],
    ['"https://bob:S3cr"et@host.example.com"', '"https://[REDACTED]@host.example.com"'],
    ['store for host.example.com/?sig=QQQ', 'store for host.example.com/?[REDACTED]'],
    ['what? nothing to mask here', 'what? nothing to mask here'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('masks registered secrets of any shape', () => {
    expect(redact('password=hunter2-short!', ['hunter2-short!'])).toBe('password=[REDACTED]');
  });

  it.each([
    ['an @ after the last one of the authority without a host', 'https://u:p@h.example@ x', 'https://[REDACTED]@h.example@ x'],
    [
      'userinfo after a quote, <, , and =',
      '"bob:pw@h.example" <ann:pw@h.example>,carl:pw@h.example',
      '"[REDACTED]@h.example" <[REDACTED]@h.example>,[REDACTED]@h.example',
    ],
    ['userinfo after = when the word before it is not', 'q?k=bob:pw@h.example', 'q?k=[REDACTED]@h.example'],
    ['a word and ( before userinfo go with it, as they always did', 'see (bob:pw@h.example)', 'see [REDACTED]@h.example)'],
    ['a scheme read from inside a word', 'xhttps://bob:pw@h.example', 'xhttps://[REDACTED]@h.example'],
    ['a question mark inside a query', 'GET a.b/c?x=1?y=2 then', 'GET a.b/c?[REDACTED] then'],
    ['a question before a URL in the same word', 'what?a.b?token', 'what?a.b?[REDACTED]'],
    ['a query ends at #', 'h.example/?q=1#frag', 'h.example/?[REDACTED]#frag'],
    ['base64 padding', `x ${'Ab1'.repeat(11)}== y`, 'x [REDACTED] y'],
    ['an access key id glued to lower case is not one', 'AKIAIOSFODNN7EXAMPLEx', 'AKIAIOSFODNN7EXAMPLEx'],
    ['an access key id in a word is not one', 'xAKIAIOSFODNN7EXAMPLE', 'xAKIAIOSFODNN7EXAMPLE'],
    ['a role key id', 'AROAIOSFODNN7EXAMPLE.', 'AROA…MPLE.'],
  ])('%s', (_what, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('reads text as the regular expressions it replaced did (differential, 5000 random texts)', () => {
    // The old patterns (super-linear: fine on these short texts, never on input) as the reference.
    const reference = (text: string): string =>
      text
        .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/]*@(?=[^\s"'/@]*[a-z0-9])/gi, '$1[REDACTED]@')
        .replace(/((?:[a-z][a-z0-9+.-]*:\/\/)|(?<![^\s"'(=<,]))[^\s"'/?#<>]+@(?=[^\s"'/@]*[a-z0-9])/gi, '$1[REDACTED]@')
        .replace(/([^\s"'?#]*[./][^\s"'?#]*)\?[^\s"'#]*/gi, '$1?[REDACTED]')
        .replace(/[A-Za-z0-9+/_-]{32,}={0,2}/g, (run) =>
          run.startsWith('/') || (/\d/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run)) || run.length >= 64 ? redact(run) : run,
        )
        .replace(/\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}([A-Z0-9]{4})\b/g, '$1…$2');
    const pieces = ['a', 'Z', '0', '.', '/', ':', '@', '?', '#', '"', "'", ' ', '\n', '=', '(', '<', '>', ',', '_', '-', '+', 'https://'];
    pieces.push('://', 'AKIA', 'ABCDEFGHIJKLMNOP', 'QVdTOmV5SndZWGxzYjJGa0lqb2lZ', 'bob:pw@', 'host.example.com', '/v2/', '?q=1', 'é');
    const random = seededRandom(20261216);
    for (let n = 0; n < 5000; n++) {
      const text = randomText(random, pieces, 14);
      expect([text, redact(text)]).toEqual([text, reference(text)]);
    }
  });

  it.each(['a.', 'a/', 'a@', 'a:', 'a://', '://', 'a?', 'a%', 'a.@', '@a.', 'x=y@', ' ', ' \n', 'AKIA', 'a.a/a@a?a%a://'])(
    '64 KiB of %j in well under a second (the old patterns took a minute on 4 KiB)',
    (unit) => {
      const text = unit.repeat(Math.ceil(65536 / unit.length)).slice(0, 65536);
      const started = performance.now();
      const out = redact(text);
      expect(performance.now() - started).toBeLessThan(250);
      expect(out.length).toBeLessThanOrEqual(MAX_SHOWN_CHARS + 40);
    },
  );

  it('shows at most 4 KiB of a message, marks the cut, and never splits a character', () => {
    const words = 'word '.repeat(2000);
    expect(redact(words)).toBe(`${words.slice(0, MAX_SHOWN_CHARS)} …[message cut: 10000 characters]`);
    const emoji = `x${'😀'.repeat(3000)}`;
    expect(redact(emoji)).toBe(`x${'😀'.repeat((MAX_SHOWN_CHARS - 2) / 2)} …[message cut: 6001 characters]`);
    expect(redact('short')).toBe('short');
  });

  it('redacts all of a 64 KiB message before cutting it: a secret past the cut is not shown half', () => {
    const password = 'Hunter2-pass-which-is-long-enough';
    // What the redaction shrinks can bring the end of the text into view: it is masked there.
    const shrunk = `${'Ab1'.repeat(20_000)} https://bob:${password}@h.example`;
    expect(redact(shrunk)).toBe('[REDACTED] https://[REDACTED]@h.example');
    // Past 64 KiB, the word the cut falls in is left out whole, not shown up to its `@`.
    const long = `${'Ab1'.repeat(21_840)} https://bob:${password}@h.example`;
    expect(redact(long)).toBe(`[REDACTED] …[message cut: ${long.length} characters]`);
  });
});
