import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger, redact } from '../../src/log';
import { createSink } from '../helpers/fakes';
import { expectPosixMode } from '../helpers/platform';
import { makeTempDir } from '../helpers/temp-dir';

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
});

describe('createLogger', () => {
  it('writes a 0600 log file, redacted, and tells the user on stderr', () => {
    const file = path.join(makeTempDir(), 'log', 'ecr-login.log');
    const stderr = createSink();
    const logger = createLogger({ file, level: 'info', stderr });
    logger.addSecret('the-password-value');
    logger.info('got the-password-value for a registry');
    logger.tell('something to fix');
    logger.debug('not at info level');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('INFO');
    expect(text).toContain('got [REDACTED] for a registry');
    expect(text).not.toContain('the-password-value');
    expect(text).not.toContain('not at info level');
    expectPosixMode(file, 0o600);
    expect(stderr.text()).toBe('ecr-login: something to fix\n');
  });

  it('keeps the log bounded by rotating it', () => {
    const file = path.join(makeTempDir(), 'ecr-login.log');
    const logger = createLogger({ file, level: 'info', stderr: createSink(), maxBytes: 2048 });
    for (let i = 0; i < 200; i += 1) logger.info(`line ${i} ${'x'.repeat(40)}`);
    expect(fs.statSync(file).size).toBeLessThanOrEqual(2048);
    expect(fs.statSync(`${file}.1`).size).toBeLessThanOrEqual(2048);
    expect(fs.readFileSync(file, 'utf8')).toContain('line 199');
  });

  it('never throws when the log cannot be written', () => {
    const base = makeTempDir();
    fs.writeFileSync(path.join(base, 'blocker'), '');
    const logger = createLogger({ file: path.join(base, 'blocker', 'x.log'), level: 'debug', stderr: createSink() });
    expect(() => logger.error('still fine')).not.toThrow();
  });
});
