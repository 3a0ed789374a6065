import { isAbsolute } from 'node:path';
import { ConfigError } from '../errors';
import type { FsPlatform } from '../safe-fs/fs-platform';
import { readOwnFile } from '../safe-fs/read-files';
import { NO_SETTINGS, parseSettings, type Settings } from './parse-settings';

/** Where the settings file is, and whether the user chose it (`AWS_ECR_CONFIG`). */
export interface SettingsLocation {
  readonly path: string;
  readonly fromEnv: boolean;
}

/** Far larger than any hand-written settings file. */
const MAX_SETTINGS_BYTES = 256 * 1024;

/**
 * Reads the settings file by the rules for files that decide whose credentials are used: a
 * regular file (no symlink, FIFO or device), owned by the current user, not writable by group
 * or others, at most 256 KiB —
 * someone else's file must not choose the role a token is fetched as. A missing file (also one
 * `AWS_ECR_CONFIG` names) is no settings; anything else wrong is a `ConfigError` naming the file.
 * `fsPlatform` (the entry's) says who the current user is and how the file is opened.
 */
export function loadSettings(location: SettingsLocation | undefined, fsPlatform: FsPlatform): Settings {
  if (!location) return NO_SETTINGS;
  const { path } = location;
  const fail = (problem: string): never => {
    const message = `settings file ${path}${location.fromEnv ? ' (AWS_ECR_CONFIG)' : ''} ${problem}`;
    throw new ConfigError(message, message);
  };
  if (!isAbsolute(path)) fail('is not an absolute path: set AWS_ECR_CONFIG to an absolute path');
  const read = readOwnFile(path, MAX_SETTINGS_BYTES, { platform: fsPlatform, notWritableByOthers: true, strictUtf8: true });
  switch (read.status) {
    case 'ok':
      return parseSettings(read.text, path);
    case 'missing':
      // Also when AWS_ECR_CONFIG names it: `configure` creates it there on first use.
      return NO_SETTINGS;
    case 'unsafe':
      return fail(`cannot be used: ${read.why}; it must be a regular file of yours that only you can write`);
    case 'too-large':
      return fail(`is larger than ${MAX_SETTINGS_BYTES / 1024} KiB`);
    case 'error':
      // A file where a directory of the path should be: no settings file can be there.
      if (read.code === 'ENOTDIR') return NO_SETTINGS;
      // Bad bytes read as U+FFFD could make a profile name that is not the one written.
      if (read.code === 'EILSEQ') return fail(`is not UTF-8 text (a byte that is not UTF-8 at ${read.where})`);
      return fail(`cannot be read (${read.code})`);
  }
}
