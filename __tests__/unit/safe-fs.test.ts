import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFsPlatform, type FsPlatform, type PathStat } from '../../src/safe-fs/fs-platform';
import { checkPrivateDirectory, ensurePrivateDirectory, UnsafePathError } from '../../src/safe-fs/private-directories';
import { findInvalidUtf8, isSameFileState, readOwnFile, readOwnFileSnapshot } from '../../src/safe-fs/read-files';
import {
  appendOwnFile,
  createFileExclusive,
  isTempFileOf,
  openExclusive,
  prepareReplacement,
  removeStaleTempFiles,
  writeFileAtomic,
} from '../../src/safe-fs/write-files';
import { hostFs } from '../helpers/host-fs';
import { expectPosixMode, isWindows, itOnUnix, itWithSymlinks } from '../helpers/platform';
import { itAsRoot } from '../helpers/root';
import { makeTempDir } from '../helpers/temp-dir';

const FIFO = 'mkfifo: the Windows file system has no FIFOs';
const MODES = 'Windows has no POSIX modes';
const HOST = hostFs();

describe('readOwnFile', () => {
  it('reads a regular file of ours', () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, 'text');
    expect(readOwnFile(file, 100, { platform: HOST })).toEqual({ status: 'ok', text: 'text' });
    expect(readOwnFile(path.join(path.dirname(file), 'missing'), 100, { platform: HOST })).toEqual({ status: 'missing' });
    expect(readOwnFile(file, 3, { platform: HOST })).toEqual({ status: 'too-large' });
  });

  itWithSymlinks('does not follow a symlink', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'target'), 'secret');
    fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link'));
    expect(readOwnFile(path.join(dir, 'link'), 100, { platform: HOST })).toEqual({
      status: 'unsafe',
      why: `${path.join(dir, 'link')} is a symbolic link`,
    });
  });

  itOnUnix('returns at once for a FIFO with no writer, instead of hanging', FIFO, () => {
    const fifo = path.join(makeTempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readOwnFile(fifo, 100, { platform: HOST })).toEqual({ status: 'unsafe', why: `${fifo} is not a regular file` });
  });

  itAsRoot('refuses a file owned by another user', async () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, 'x');
    fs.chownSync(file, 4242, 4242);
    expect(readOwnFile(file, 100, { platform: HOST })).toEqual({
      status: 'unsafe',
      why: `${file} is owned by uid 4242, not by you (uid 0)`,
    });
  });
});

describe('readOwnFileSnapshot', () => {
  const snapshot = (file: string) => {
    const read = readOwnFileSnapshot(file, 1000, { platform: HOST });
    if (read.status !== 'ok') throw new Error(`not read: ${JSON.stringify(read)}`);
    return read;
  };

  itOnUnix('reads the text with the state it was read in and its permission bits', MODES, () => {
    const file = path.join(makeTempDir(), 'config.json');
    fs.writeFileSync(file, '{"auths":{}}', { mode: 0o640 });
    const read = snapshot(file);
    expect(read).toMatchObject({ text: '{"auths":{}}', mode: 0o640 });
    expect(isSameFileState(read.identity, snapshot(file).identity)).toBe(true);
    expect(readOwnFileSnapshot(path.join(path.dirname(file), 'missing'), 100, { platform: HOST })).toEqual({ status: 'missing' });
  });

  it.each([
    ['truncated in place', (file: string) => fs.truncateSync(file, 0)],
    // Same size, same bytes: only the times tell (a rewrite within one clock tick is left to the byte comparison).
    ['rewritten in place with the same bytes', (file: string) => fs.writeFileSync(file, fs.readFileSync(file))],
    [
      'replaced by a rename',
      (file: string) => {
        fs.writeFileSync(`${file}.new`, fs.readFileSync(file));
        fs.renameSync(`${file}.new`, file);
      },
    ],
    ['made read-only (ctime)', (file: string) => fs.chmodSync(file, 0o400)],
  ])('a file %s is in another state', async (_what, change) => {
    const file = path.join(makeTempDir(), 'config.json');
    fs.writeFileSync(file, '{"auths":{}}', { mode: 0o600 });
    const before = snapshot(file).identity;
    // Past the kernel's coarse clock tick (a few ms), so that the times differ where they are all that differs.
    await new Promise((resolve) => setTimeout(resolve, 20));
    change(file);
    expect(isSameFileState(before, snapshot(file).identity)).toBe(false);
  });
});

describe('findInvalidUtf8', () => {
  it.each([
    [Buffer.from('{"a": "café €𝄞"}\n'), undefined],
    [Buffer.from('a\uFFFDb'), undefined],
    [Buffer.from([0x61, 0x0a, 0x62, 0x62, 0xff]), 'line 2, column 3'],
    [Buffer.from([0xc3]), 'line 1, column 1'],
    [Buffer.from([0x61, 0xed, 0xa0, 0x80]), 'line 1, column 2'],
    [Buffer.concat([Buffer.from('\uFFFD\n'), Buffer.from([0x80])]), 'line 2, column 1'],
  ])('%j: %s', (bytes, where) => {
    expect(findInvalidUtf8(bytes)).toBe(where);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole, 0600, and leaves no temp file', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'cache.json');
    fs.writeFileSync(file, 'old', { mode: 0o644 });
    writeFileAtomic(file, 'new', { platform: HOST });
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expectPosixMode(file, 0o600);
    expect(fs.readdirSync(dir)).toEqual(['cache.json']);
  });

  itWithSymlinks('replaces a symlink at the path instead of writing through it', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'precious'), 'keep');
    fs.symlinkSync(path.join(dir, 'precious'), path.join(dir, 'cache.json'));
    writeFileAtomic(path.join(dir, 'cache.json'), 'new', { platform: HOST });
    expect(fs.readFileSync(path.join(dir, 'precious'), 'utf8')).toBe('keep');
    expect(fs.lstatSync(path.join(dir, 'cache.json')).isFile()).toBe(true);
  });

  it('removes its temp file when the write fails', () => {
    const dir = makeTempDir();
    fs.mkdirSync(path.join(dir, 'cache.json'));
    fs.writeFileSync(path.join(dir, 'cache.json', 'x'), '');
    expect(() => writeFileAtomic(path.join(dir, 'cache.json'), 'new', { platform: HOST })).toThrow(
      isWindows ? /EPERM|EACCES|EISDIR|ENOTEMPTY|EEXIST/ : /EISDIR|ENOTEMPTY|EEXIST/,
    );
    expect(fs.readdirSync(dir)).toEqual(['cache.json']);
  });
});

describe('prepareReplacement', () => {
  it('writes beside the file; commit puts it in place, abandon leaves the file as it was', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, 'old');
    const kept = prepareReplacement(file, 'abandoned', HOST);
    const replaced = prepareReplacement(file, 'new', HOST, 0o640);
    const temps = fs.readdirSync(dir).filter((name) => name !== 'config.json');
    expect(temps.map((name) => isTempFileOf('config.json', name))).toEqual([true, true]);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    kept.abandon();
    replaced.commit();
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expectPosixMode(file, 0o640);
    expect(fs.readdirSync(dir)).toEqual(['config.json']);
  });
});

describe('removeStaleTempFiles (what writers killed mid-write left)', () => {
  const MINUTE = 60_000;
  const aged = (file: string, content: string, ageMs: number): string => {
    fs.writeFileSync(file, content, { mode: 0o600 });
    const when = new Date(Date.now() - ageMs);
    fs.utimesSync(file, when, when);
    return file;
  };

  it("removes the file's temp files older than the age given, and nothing else", () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, '{}');
    const stale = aged(`${file}.0123456789abcdef`, '{"auths":', 2 * MINUTE);
    aged(`${file}.fedcba9876543210`, '{"auths":', 30_000);
    for (const name of ['config.json.0123456789ABCDEF', 'config.json.0123', 'config.json.bak', 'other.json.0123456789abcdef']) {
      aged(path.join(dir, name), 'x', 2 * MINUTE);
    }
    fs.mkdirSync(`${file}.00000000000000aa`);
    expect(removeStaleTempFiles(file, Date.now(), MINUTE, HOST)).toEqual([stale]);
    expect(fs.readdirSync(dir).sort()).toEqual([
      'config.json',
      'config.json.00000000000000aa',
      'config.json.0123',
      'config.json.0123456789ABCDEF',
      'config.json.bak',
      'config.json.fedcba9876543210',
      'other.json.0123456789abcdef',
    ]);
    expect(removeStaleTempFiles(path.join(dir, 'missing-dir', 'f'), Date.now(), MINUTE, HOST)).toEqual([]);
  });

  itWithSymlinks('leaves a symlink by such a name alone (and what it leads to)', () => {
    const dir = makeTempDir();
    const target = aged(path.join(dir, 'precious'), 'keep', 2 * MINUTE);
    fs.symlinkSync(target, path.join(dir, 'config.json.0123456789abcdef'));
    expect(removeStaleTempFiles(path.join(dir, 'config.json'), Date.now() + 10 * MINUTE, MINUTE, HOST)).toEqual([]);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep');
  });

  itAsRoot("leaves another user's file by such a name alone", async () => {
    const dir = makeTempDir();
    const theirs = aged(path.join(dir, 'config.json.0123456789abcdef'), 'x', 2 * MINUTE);
    fs.chownSync(theirs, 4242, 4242);
    expect(removeStaleTempFiles(path.join(dir, 'config.json'), Date.now(), MINUTE, HOST)).toEqual([]);
    expect(fs.existsSync(theirs)).toBe(true);
  });
});

describe('openExclusive (how temp files are created)', () => {
  itWithSymlinks('refuses a name planted in advance: a symlink is not followed, an existing file not truncated', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'victim'), 'keep');
    fs.symlinkSync(path.join(dir, 'victim'), path.join(dir, 'planted-link'));
    fs.writeFileSync(path.join(dir, 'planted-file'), 'keep too');
    expect(() => openExclusive(path.join(dir, 'planted-link'), 0o600, HOST)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => openExclusive(path.join(dir, 'planted-file'), 0o600, HOST)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(fs.readFileSync(path.join(dir, 'victim'), 'utf8')).toBe('keep');
    expect(fs.readFileSync(path.join(dir, 'planted-file'), 'utf8')).toBe('keep too');
  });

  itOnUnix('creates a new file with the mode asked for', MODES, () => {
    const file = path.join(makeTempDir(), 'new');
    fs.closeSync(openExclusive(file, 0o600, HOST));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('appendOwnFile', () => {
  it('creates the file 0600 and appends', () => {
    const file = path.join(makeTempDir(), 'log');
    appendOwnFile(file, 'a\n', HOST);
    appendOwnFile(file, 'b\n', HOST);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\nb\n');
    expectPosixMode(file, 0o600);
  });

  itWithSymlinks('does not write through a symlink', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'victim'), 'keep');
    fs.symlinkSync(path.join(dir, 'victim'), path.join(dir, 'log'));
    expect(() => appendOwnFile(path.join(dir, 'log'), 'x', HOST)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(fs.readFileSync(path.join(dir, 'victim'), 'utf8')).toBe('keep');
  });

  itOnUnix('fails at once on a FIFO instead of waiting for a reader', FIFO, () => {
    const fifo = path.join(makeTempDir(), 'log');
    execFileSync('mkfifo', [fifo]);
    expect(() => appendOwnFile(fifo, 'x', HOST)).toThrow(expect.objectContaining({ code: 'ENXIO' }));
  });
});

describe('createFileExclusive', () => {
  it('creates once; a second call keeps the first content', () => {
    const file = path.join(makeTempDir(), 'salt');
    expect(createFileExclusive(file, 'first', HOST)).toBe(true);
    expect(createFileExclusive(file, 'second', HOST)).toBe(false);
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

describe('describeFsPlatform', () => {
  it('on Windows: no owner, and no O_NOFOLLOW or O_NONBLOCK (undefined constants become an explicit 0)', () => {
    expect(describeFsPlatform('win32', 0, {})).toMatchObject({ uid: undefined, noFollow: 0, nonBlock: 0, renameRetryMs: 1000 });
  });

  it('on Linux and macOS: the uid and the constants as they are', () => {
    expect(describeFsPlatform('darwin', 501, { O_NOFOLLOW: 0x100, O_NONBLOCK: 0x4 })).toMatchObject({
      uid: 501,
      noFollow: 0x100,
      nonBlock: 0x4,
      renameRetryMs: 0,
    });
  });
});

/** Windows' rules, run wherever the tests run: no owners or modes, no O_NOFOLLOW, no O_NONBLOCK. */
const WINDOWS: FsPlatform = describeFsPlatform('win32', undefined, {});

describe("without O_NOFOLLOW (Windows' rules)", () => {
  itWithSymlinks('readOwnFile still refuses a symlink, and reads a regular file', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'target'), 'secret');
    fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link'));
    expect(readOwnFile(path.join(dir, 'link'), 100, { platform: WINDOWS })).toEqual({
      status: 'unsafe',
      why: `${path.join(dir, 'link')} is a symbolic link`,
    });
    expect(readOwnFile(path.join(dir, 'target'), 100, { platform: WINDOWS })).toEqual({ status: 'ok', text: 'secret' });
    expect(readOwnFile(path.join(dir, 'missing'), 100, { platform: WINDOWS })).toEqual({ status: 'missing' });
  });

  itWithSymlinks('appendOwnFile does not write through a symlink, even a dangling one, and appends to a file of its own', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'victim'), 'keep');
    fs.symlinkSync(path.join(dir, 'victim'), path.join(dir, 'log'));
    fs.symlinkSync(path.join(dir, 'nothing-yet'), path.join(dir, 'dangling'));
    expect(() => appendOwnFile(path.join(dir, 'log'), 'x', WINDOWS)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(() => appendOwnFile(path.join(dir, 'dangling'), 'x', WINDOWS)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(fs.readFileSync(path.join(dir, 'victim'), 'utf8')).toBe('keep');
    expect(fs.existsSync(path.join(dir, 'nothing-yet'))).toBe(false);
    appendOwnFile(path.join(dir, 'own'), 'a\n', WINDOWS);
    appendOwnFile(path.join(dir, 'own'), 'b\n', WINDOWS);
    expect(fs.readFileSync(path.join(dir, 'own'), 'utf8')).toBe('a\nb\n');
  });

  it('writeFileAtomic and createFileExclusive work as elsewhere', () => {
    const file = path.join(makeTempDir(), 'cache.json');
    expect(createFileExclusive(file, 'first', WINDOWS)).toBe(true);
    expect(createFileExclusive(file, 'second', WINDOWS)).toBe(false);
    writeFileAtomic(file, 'new', { platform: WINDOWS });
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['cache.json']);
  });
});

describe("private directories under Windows' rules (no owners or modes to check)", () => {
  it('a directory is accepted whatever its mode; a missing one is made; a file there is refused', () => {
    const base = makeTempDir();
    const open = path.join(base, 'open');
    fs.mkdirSync(open, { mode: 0o777 });
    fs.chmodSync(open, 0o777);
    expect(checkPrivateDirectory(open, WINDOWS)).toBe(true);
    expect(checkPrivateDirectory(path.join(base, 'missing'), WINDOWS)).toBe(false);
    ensurePrivateDirectory(path.join(open, 'a', 'cache'), WINDOWS);
    expect(fs.statSync(path.join(open, 'a', 'cache')).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(base, 'file'), '');
    expect(() => checkPrivateDirectory(path.join(base, 'file'), WINDOWS)).toThrow(
      new UnsafePathError(path.join(base, 'file'), 'is not a directory'),
    );
  });
});

describe('private directories on a macOS file system (a pretend tree, uid 501)', () => {
  const dir = (uid: number, mode: number): PathStat => ({
    uid,
    mode,
    isFile: () => false,
    isDirectory: () => true,
    isSymbolicLink: () => false,
  });
  const link = (uid: number): PathStat => ({ uid, mode: 0o755, isFile: () => false, isDirectory: () => false, isSymbolicLink: () => true });
  /** As macOS lays it out: /var and /tmp are root's links into /private; $TMPDIR is the user's, under /var/folders. */
  function macos(changes: Record<string, PathStat> = {}): FsPlatform {
    const tree: Record<string, PathStat> = {
      '/': dir(0, 0o755),
      '/private': dir(0, 0o755),
      '/private/var': dir(0, 0o755),
      '/private/var/folders': dir(0, 0o755),
      '/private/var/folders/zz': dir(0, 0o755),
      '/private/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000': dir(501, 0o755),
      '/private/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T': dir(501, 0o700),
      '/private/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/ecr': dir(501, 0o700),
      '/private/tmp': dir(0, 0o1777),
      '/private/tmp/ecr': dir(501, 0o700),
      '/Users': dir(0, 0o755),
      '/Users/me': dir(501, 0o750),
      '/Users/me/.ecr': dir(501, 0o700),
      ...changes,
    };
    const real = (p: string): string => p.replace(/^\/(var|tmp)(?=\/|$)/, '/private/$1');
    const entry = (p: string): PathStat => {
      const found = tree[p];
      if (!found) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return found;
    };
    return {
      ...describeFsPlatform('darwin', 501, { O_NOFOLLOW: 0x100, O_NONBLOCK: 0x4 }),
      lstat: (p) => (p === '/var' || p === '/tmp' ? link(0) : entry(real(p))),
      stat: (p) => entry(real(p)),
      realpath: (p) => {
        entry(real(p));
        return real(p);
      },
    };
  }

  it.each([
    ['the default cache directory', '/Users/me/.ecr'],
    ['a directory in the per-user temp directory ($TMPDIR)', '/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/ecr'],
    ['the same through its real path', '/private/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/ecr'],
    ['a directory of ours in sticky /tmp', '/tmp/ecr'],
  ])('accepts %s (%s)', (_what, path) => {
    expect(checkPrivateDirectory(path, macos())).toBe(true);
  });

  it('accepts / as older macOS had it (root:admin, 1775: group-writable, but sticky)', () => {
    expect(checkPrivateDirectory('/Users/me/.ecr', macos({ '/': dir(0, 0o1775) }))).toBe(true);
  });

  it.each([
    ['/Users/me owned by someone else', { '/Users/me': dir(502, 0o750) }, '/Users/me is owned by uid 502, not by you or root'],
    ['a group-writable home', { '/Users/me': dir(501, 0o770) }, '/Users/me is writable by others (mode 770)'],
    [
      'a cache directory of another user',
      { '/Users/me/.ecr': dir(502, 0o700) },
      '/Users/me/.ecr is owned by uid 502, not by you (uid 501)',
    ],
  ])('refuses %s', (_what, changes, message) => {
    expect(() => checkPrivateDirectory('/Users/me/.ecr', macos(changes))).toThrow(message);
  });
});
