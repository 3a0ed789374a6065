import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendOwnFile, createFileExclusive, isTempFileOf, openExclusive, readOwnFile, writeFileAtomic } from '../../src/safe-fs';
import { itAsRoot } from '../helpers/root';
import { makeTempDir } from '../helpers/temp-dir';

describe('readOwnFile', () => {
  it('reads a regular file of ours', () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, 'text');
    expect(readOwnFile(file, 100)).toEqual({ status: 'ok', text: 'text' });
    expect(readOwnFile(path.join(path.dirname(file), 'missing'), 100)).toEqual({ status: 'missing' });
    expect(readOwnFile(file, 3)).toEqual({ status: 'too-large' });
  });

  it('does not follow a symlink', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'target'), 'secret');
    fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link'));
    expect(readOwnFile(path.join(dir, 'link'), 100)).toEqual({ status: 'unsafe', why: `${path.join(dir, 'link')} is a symbolic link` });
  });

  it('returns at once for a FIFO with no writer, instead of hanging', () => {
    const fifo = path.join(makeTempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readOwnFile(fifo, 100)).toEqual({ status: 'unsafe', why: `${fifo} is not a regular file` });
  });

  itAsRoot('refuses a file owned by another user', async () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, 'x');
    fs.chownSync(file, 4242, 4242);
    expect(readOwnFile(file, 100)).toEqual({ status: 'unsafe', why: `${file} is owned by uid 4242, not by you (uid 0)` });
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole, 0600, and leaves no temp file', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'cache.json');
    fs.writeFileSync(file, 'old', { mode: 0o644 });
    writeFileAtomic(file, 'new');
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['cache.json']);
  });

  it('replaces a symlink at the path instead of writing through it', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'precious'), 'keep');
    fs.symlinkSync(path.join(dir, 'precious'), path.join(dir, 'cache.json'));
    writeFileAtomic(path.join(dir, 'cache.json'), 'new');
    expect(fs.readFileSync(path.join(dir, 'precious'), 'utf8')).toBe('keep');
    expect(fs.lstatSync(path.join(dir, 'cache.json')).isFile()).toBe(true);
  });

  it('removes its temp file when the write fails', () => {
    const dir = makeTempDir();
    fs.mkdirSync(path.join(dir, 'cache.json'));
    fs.writeFileSync(path.join(dir, 'cache.json', 'x'), '');
    expect(() => writeFileAtomic(path.join(dir, 'cache.json'), 'new')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(fs.readdirSync(dir)).toEqual(['cache.json']);
  });
});

describe('openExclusive (how temp files are created)', () => {
  it('refuses a name planted in advance: a symlink is not followed, an existing file not truncated', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'victim'), 'keep');
    fs.symlinkSync(path.join(dir, 'victim'), path.join(dir, 'planted-link'));
    fs.writeFileSync(path.join(dir, 'planted-file'), 'keep too');
    expect(() => openExclusive(path.join(dir, 'planted-link'), 0o600)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => openExclusive(path.join(dir, 'planted-file'), 0o600)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(fs.readFileSync(path.join(dir, 'victim'), 'utf8')).toBe('keep');
    expect(fs.readFileSync(path.join(dir, 'planted-file'), 'utf8')).toBe('keep too');
  });

  it('creates a new file with the mode asked for', () => {
    const file = path.join(makeTempDir(), 'new');
    fs.closeSync(openExclusive(file, 0o600));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('appendOwnFile', () => {
  it('creates the file 0600 and appends', () => {
    const file = path.join(makeTempDir(), 'log');
    appendOwnFile(file, 'a\n');
    appendOwnFile(file, 'b\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('a\nb\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('does not write through a symlink', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'victim'), 'keep');
    fs.symlinkSync(path.join(dir, 'victim'), path.join(dir, 'log'));
    expect(() => appendOwnFile(path.join(dir, 'log'), 'x')).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(fs.readFileSync(path.join(dir, 'victim'), 'utf8')).toBe('keep');
  });

  it('fails at once on a FIFO instead of waiting for a reader', () => {
    const fifo = path.join(makeTempDir(), 'log');
    execFileSync('mkfifo', [fifo]);
    expect(() => appendOwnFile(fifo, 'x')).toThrow(expect.objectContaining({ code: 'ENXIO' }));
  });
});

describe('createFileExclusive', () => {
  it('creates once; a second call keeps the first content', () => {
    const file = path.join(makeTempDir(), 'salt');
    expect(createFileExclusive(file, 'first')).toBe(true);
    expect(createFileExclusive(file, 'second')).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('first');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['salt']);
  });
});

describe('isTempFileOf', () => {
  it.each([
    ['cache.json.0123456789abcdef', true],
    ['cache.json.0123456789ABCDEF', false],
    ['cache.json.0123', false],
    ['cache.json', false],
    ['other.json.0123456789abcdef', false],
  ])('%s -> %s', (name, expected) => {
    expect(isTempFileOf('cache.json', name)).toBe(expected);
  });
});
