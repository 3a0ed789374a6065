import { join } from 'node:path';
import type { IdentityEnv } from '../config';

/** The AWS shared config and credentials files, as the SDK finds them. */
export interface AwsSharedFiles {
  readonly config: string;
  readonly credentials: string;
}

/** `~/…` as the SDK expands it in the paths it reads (from the same home directory). */
export function expandHome(file: string, homeDir: string): string {
  return file === '~' ? homeDir : file.startsWith('~/') ? join(homeDir, file.slice(2)) : file;
}

/**
 * Where the AWS SDK reads profiles from: `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`
 * (a leading `~` expanded), else `~/.aws/config` and `~/.aws/credentials`. The identity
 * fingerprint and `configure --profile`'s check read the same files.
 */
export function awsSharedFilesOf(identityEnv: IdentityEnv, homeDir: string): AwsSharedFiles {
  return {
    config: expandHome(identityEnv.AWS_CONFIG_FILE ?? join(homeDir, '.aws', 'config'), homeDir),
    credentials: expandHome(identityEnv.AWS_SHARED_CREDENTIALS_FILE ?? join(homeDir, '.aws', 'credentials'), homeDir),
  };
}
