import { awsSharedFilesOf } from '../../aws/aws-shared-files';
import { parseIniSections } from '../../aws/identity-fingerprint';
import type { IdentityEnv } from '../../config';
import type { FsPlatform } from '../../safe-fs/fs-platform';
import { readRegularFile } from '../../safe-fs/read-files';

/** Larger than any real shared config or credentials file (as identity-fingerprint.ts reads them). */
const MAX_SHARED_FILE_BYTES = 1024 * 1024;

/** The section names of a shared file; none when it is missing or cannot be read (the SDK finds none there either). */
function sectionsOf(file: string, fsPlatform: FsPlatform): ReadonlySet<string> {
  const read = readRegularFile(file, MAX_SHARED_FILE_BYTES, fsPlatform);
  return new Set(read.status === 'ok' ? parseIniSections(read.text).keys() : []);
}

/**
 * The warning for `configure --profile NAME` when neither AWS file defines NAME (a typo, or a
 * profile of another machine or user): the helper would fail at the first pull with "profile
 * not found", long after configure said it was done. The SDK's rule: `[profile NAME]` in the
 * config file (`[default]` too for default), `[NAME]` in the credentials file. A warning, not a
 * refusal: the profile may be added afterwards, or come from a file set only where docker runs.
 * Undefined when it is defined.
 */
export function checkProfileDefined(
  profile: string,
  identityEnv: IdentityEnv,
  homeDir: string,
  fsPlatform: FsPlatform,
): string | undefined {
  const files = awsSharedFilesOf(identityEnv, homeDir);
  const config = sectionsOf(files.config, fsPlatform);
  const credentials = sectionsOf(files.credentials, fsPlatform);
  if (config.has(`profile ${profile}`) || (profile === 'default' && config.has('default')) || credentials.has(profile)) return undefined;
  return (
    `profile ${profile} is defined in neither AWS file read, ${files.config} nor ${files.credentials}: ` +
    `the registry's token requests will fail until it is; check the name, or define it (aws configure --profile ${profile})`
  );
}
