import { join } from 'node:path';
import { expandHome, type IdentityEnv } from '../config';
import { ConfigError } from '../errors';
import { sha1Hex, sha256Hex } from '../hash';
import type { FsPlatform } from '../safe-fs/fs-platform';
import { readRegularFile } from '../safe-fs/read-files';
import { awsSharedFilesOf } from './aws-shared-files';

/**
 * Sections of an AWS shared config/credentials file, by header (`profile dev`, `default`,
 * `sso-session corp`), each as its normalised `key=value` lines.
 *
 * Why not the SDK's own INI loader: it comes with `@smithy/core/config`, which takes ~16 ms
 * to load (measured on the development machine), while the whole cache-hit path has a budget
 * of a few milliseconds. The fingerprint needs the raw text of a few sections, not their
 * meaning, so a small tolerant reader is enough; the SDK still does the real parsing when it
 * resolves credentials.
 */
export function parseIniSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    // `[ name ]`, up to the first `]`. Found by hand: the pattern this was (blanks, a lazy name,
    // blanks) backtracked cubically on a long line of blanks, and these files are input.
    const close = line.startsWith('[') ? line.indexOf(']') : -1;
    if (close > 0) {
      const name = line.slice(1, close).trim().replace(/\s+/g, ' ');
      current = sections.get(name) ?? [];
      sections.set(name, current);
      continue;
    }
    // Indented continuation lines (nested `s3 =` blocks) are kept, normalised, like the rest.
    current?.push(normaliseAssignment(line));
  }
  return sections;
}

/** `key = value` as `key=value`: the blanks around the first `=` dropped (by hand: blanks-`=`-blanks is quadratic on a line of blanks). */
function normaliseAssignment(line: string): string {
  const equals = line.indexOf('=');
  return equals < 0 ? line : `${line.slice(0, equals).trimEnd()}=${line.slice(equals + 1).trimStart()}`;
}

function findValue(lines: readonly string[], key: string): string | undefined {
  const prefix = `${key}=`;
  return lines
    .find((l) => l.toLowerCase().startsWith(prefix))
    ?.slice(prefix.length)
    .trim();
}

/** Larger than any real shared config or credentials file. */
const MAX_SHARED_FILE_BYTES = 1024 * 1024;

/**
 * A shared AWS file's text, '' when it does not exist. One that is not a regular file or is
 * implausibly large is a `ConfigError` — here, before the AWS SDK is loaded, because the SDK
 * would read it too and hang on a FIFO or eat all memory on `/dev/zero`.
 */
function readSharedFile(file: string, variable: string, set: boolean, fsPlatform: FsPlatform): string {
  const read = readRegularFile(file, MAX_SHARED_FILE_BYTES, fsPlatform);
  const named = set ? `${variable}=${file}` : file;
  switch (read.status) {
    case 'ok':
      return read.text;
    case 'missing':
    case 'error':
      return '';
    case 'unsafe': {
      const message = `${named} is not a regular file, which the AWS SDK cannot read: point ${variable} at your AWS ${variable === 'AWS_CONFIG_FILE' ? 'config' : 'credentials'} file`;
      throw new ConfigError(message, message);
    }
    case 'too-large': {
      const message = `${named} is larger than ${MAX_SHARED_FILE_BYTES / 1024 / 1024} MiB, which no AWS shared file is: check ${variable}`;
      throw new ConfigError(message, message);
    }
  }
}

/** Token files are a few KB. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** A token file the SDK will read must not make it hang or eat memory either (see `readSharedFile`). */
function checkTokenFile(file: string, what: string, fsPlatform: FsPlatform): void {
  const read = readRegularFile(file, MAX_TOKEN_FILE_BYTES, fsPlatform);
  if (read.status === 'unsafe' || read.status === 'too-large') {
    const why = read.status === 'unsafe' ? 'is not a regular file' : `is larger than ${MAX_TOKEN_FILE_BYTES / 1024} KiB`;
    const message = `${file} (${what}) ${why}, which the AWS SDK cannot read: point it at the token file`;
    throw new ConfigError(message, message);
  }
}

/**
 * Material identifying the AWS identity the SDK's default chain would resolve, computed
 * from local configuration only — no network, no STS. Two processes that would act as the
 * same principal get the same material even though their session keys differ (assume-role,
 * SSO, IRSA, container credentials); anything that could change the principal or the
 * endpoints changes it. A SHA-256 hex digest; stores salt and hash it again before keeping it.
 * The files are read by `fsPlatform`'s rules (the entry's).
 */
export function resolveIdentityMaterial(identityEnv: IdentityEnv, homeDir: string, fsPlatform: FsPlatform): string {
  const profile = identityEnv.AWS_PROFILE ?? 'default';
  const home = (file: string): string => expandHome(file, homeDir);
  const { config: configFile, credentials: credentialsFile } = awsSharedFilesOf(identityEnv, homeDir);
  const config = parseIniSections(readSharedFile(configFile, 'AWS_CONFIG_FILE', identityEnv.AWS_CONFIG_FILE !== undefined, fsPlatform));
  const credentials = parseIniSections(
    readSharedFile(credentialsFile, 'AWS_SHARED_CREDENTIALS_FILE', identityEnv.AWS_SHARED_CREDENTIALS_FILE !== undefined, fsPlatform),
  );

  // Follow source_profile and sso_session links, as the SDK's ini provider would.
  const chain: string[] = [];
  const seen = new Set<string>();
  /** Other files the SDK will read for this identity: checked like the shared files. */
  const readLater: [file: string, what: string][] = [];
  const visit = (name: string): void => {
    if (seen.has(name) || seen.size > 16) return;
    seen.add(name);
    const fromConfig = config.get(name === 'default' ? 'default' : `profile ${name}`) ?? config.get(name) ?? [];
    const fromCredentials = credentials.get(name) ?? [];
    chain.push(`[${name}]`, ...fromConfig, '--', ...fromCredentials);
    const session = findValue(fromConfig, 'sso_session');
    if (session) chain.push(`[sso-session ${session}]`, ...(config.get(`sso-session ${session}`) ?? []));
    // The SDK keeps SSO tokens in ~/.aws/sso/cache/<sha1 of the session name, or of the start URL>.json.
    const ssoKey = session ?? findValue(fromConfig, 'sso_start_url');
    if (ssoKey)
      readLater.push([join(homeDir, '.aws', 'sso', 'cache', `${sha1Hex(ssoKey)}.json`), `the SSO token cache of profile ${name}`]);
    const tokenFile = findValue(fromConfig, 'web_identity_token_file');
    if (tokenFile) readLater.push([home(tokenFile), `web_identity_token_file of profile ${name}`]);
    const source = findValue(fromConfig, 'source_profile') ?? findValue(fromCredentials, 'source_profile');
    if (source) visit(source);
  };
  visit(profile);
  if (identityEnv.AWS_WEB_IDENTITY_TOKEN_FILE)
    readLater.push([home(identityEnv.AWS_WEB_IDENTITY_TOKEN_FILE), 'AWS_WEB_IDENTITY_TOKEN_FILE']);
  if (identityEnv.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) {
    readLater.push([home(identityEnv.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE), 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE']);
  }
  for (const [file, what] of readLater) checkTokenFile(file, what, fsPlatform);

  // Hashed here, where it is built: the chain holds secret keys and session tokens from the
  // shared files, and nothing downstream needs more than a value to compare.
  return sha256Hex(JSON.stringify({ v: 1, env: identityEnv, profile, chain }));
}
