import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '../../src/log';
import { MAX_SHOWN_CHARS } from '../../src/safe-text/redact';
import { createSink } from '../helpers/fakes';
import { hostFs } from '../helpers/host-fs';
import { expectPosixMode } from '../helpers/platform';
import { makeTempDir } from '../helpers/temp-dir';

describe('createLogger', () => {
  it('writes a 0600 log file, redacted, and tells the user on stderr', () => {
    const file = path.join(makeTempDir(), 'log', 'ecr-login.log');
    const stderr = createSink();
    const logger = createLogger({ file, level: 'info', stderr, fsPlatform: hostFs() });
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
    const logger = createLogger({ file, level: 'info', stderr: createSink(), maxBytes: 2048, fsPlatform: hostFs() });
    for (let i = 0; i < 200; i += 1) logger.info(`line ${i} ${'x'.repeat(40)}`);
    expect(fs.statSync(file).size).toBeLessThanOrEqual(2048);
    expect(fs.statSync(`${file}.1`).size).toBeLessThanOrEqual(2048);
    expect(fs.readFileSync(file, 'utf8')).toContain('line 199');
  });

  it('writes each message as one line: line breaks folded, every other control escaped, in the file and on stderr', () => {
    const file = path.join(makeTempDir(), 'ecr-login.log');
    const stderr = createSink();
    const logger = createLogger({ file, level: 'info', stderr, fsPlatform: hostFs() });
    const forged = 'arn:aws:iam::1:role/x\r2026-01-01T00:00:00.000Z INFO pid=1 ok \u001b[2K\u0007 \u2028fake \u202eevil\u0085 a \n  b\r\nc';
    logger.tell(forged);
    const shown = 'arn:aws:iam::1:role/x\\x0d2026-01-01T00:00:00.000Z INFO pid=1 ok \\x1b[2K\\x07 \\u2028fake \\u202eevil\\x85 a b c';
    expect(stderr.text()).toBe(`ecr-login: ${shown}\n`);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN pid=\d+ /);
    expect(lines[0]?.replace(/^\S+ WARN pid=\d+ /, '')).toBe(shown);
  });

  it('cuts a long message after escaping, at 4 KiB, and says how long it was', () => {
    const stderr = createSink();
    const logger = createLogger({ level: 'info', stderr, fsPlatform: hostFs() });
    logger.tell('\u001b'.repeat(5000));
    expect(stderr.text()).toBe(`ecr-login: ${'\\x1b'.repeat(MAX_SHOWN_CHARS / 4)} …[message cut: 5000 characters]\n`);
  });

  it('never throws when the log cannot be written', () => {
    const base = makeTempDir();
    fs.writeFileSync(path.join(base, 'blocker'), '');
    const logger = createLogger({ file: path.join(base, 'blocker', 'x.log'), level: 'debug', stderr: createSink(), fsPlatform: hostFs() });
    expect(() => logger.error('still fine')).not.toThrow();
  });
});
