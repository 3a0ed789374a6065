import { join } from 'node:path';
import { expandHome, type IdentityEnv } from '../config';

/** The AWS shared config and credentials files, as the SDK finds them. */
export interface AwsSharedFiles {
  readonly config: string;
  readonly credentials: string;
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
