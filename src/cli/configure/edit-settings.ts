import { UsageError } from '../../errors';
import { isPublicRegistryHost } from '../../registry/is-public-registry-host';
import { parseRegistry } from '../../registry/parse-registry';
import { describeRoleArnProblem, quotePrefix, ROLE_ARN_FORM } from '../../settings/parse-role-arn';
import { PROFILE_NAME, PUBLIC_ALIAS_PROBLEM, parseHostKey } from '../../settings/parse-settings';
import { objectAt, parseConfigObject } from './edit-client-config';
import { detectLayout, editJsonText, type JsonSet } from './edit-json-text';
import { findEntry, jsonString, setEntry, stringValue } from './json-document';

/**
 * Entries of the per-registry settings file (`~/.ecr/config.json` or `AWS_ECR_CONFIG`):
 *
 * ```json
 * { "registries": { "HOST-or-glob": { "profile": "NAME", "roleArn": "ARN" } }, "aliases": { "ALIAS": "ECR-HOST" } }
 * ```
 */
export interface SettingsRequest {
  /** A profile and/or role for each of these registry hosts or globs. */
  readonly registries: readonly { readonly pattern: string; readonly profile?: string; readonly roleArn?: string }[];
  readonly aliases: readonly { readonly alias: string; readonly target: string }[];
}

export interface SettingsEdit {
  readonly text: string;
  readonly changes: readonly string[];
}

/** Checks a role ARN's shape; throws `UsageError` saying what one looks like. */
export function checkRoleArn(arn: string): string {
  const problem = describeRoleArnProblem(arn);
  if (problem !== undefined) {
    throw new UsageError(`--role-arn ${quotePrefix(arn)} is not an IAM role ARN (${problem}): ${ROLE_ARN_FORM}`);
  }
  return arn;
}

/** Checks a profile name's shape; throws `UsageError`. */
export function checkProfile(profile: string): string {
  if (!PROFILE_NAME.test(profile))
    throw new UsageError(`--profile ${JSON.stringify(profile)} is not an AWS profile name (no spaces, brackets, # or ;)`);
  return profile;
}

/** A `registries` key: a host name or glob, lower case. */
export function checkRegistryPattern(pattern: string): string {
  const lower = pattern.toLowerCase();
  if (!parseHostKey(lower, true)) {
    throw new UsageError(`--registry ${JSON.stringify(pattern)} is not a host name or glob such as *.dkr.ecr.us-east-1.amazonaws.com`);
  }
  return lower;
}

/**
 * Parses `--alias ALIAS=HOST`: ALIAS a host name that is neither ECR's nor a public
 * registry's (a DNS name of the user's in front of ECR), HOST an ECR registry host. Both are
 * returned in lower case (HOST without scheme or path).
 */
export function parseAliasOption(value: string): { alias: string; target: string } {
  const [alias = '', target = '', ...rest] = value.split('=');
  const usage = `--alias ${JSON.stringify(value)}: write --alias ALIAS=ECR-HOST, e.g. --alias registry.example.com=123456789012.dkr.ecr.us-east-1.amazonaws.com`;
  if (rest.length > 0 || alias === '' || target === '') throw new UsageError(usage);
  const parsed = parseHostKey(alias.toLowerCase(), false);
  if (!parsed) throw new UsageError(`${usage} (${alias} is not a host name)`);
  // `host:443` is `host` as clients send it (and as docker looks up credHelpers for `host/app`).
  const lowerAlias = parsed.port === undefined ? parsed.labels.join('.') : `${parsed.labels.join('.')}:${parsed.port}`;
  if (parseRegistry(lowerAlias))
    throw new UsageError(`--alias ${alias}: that is an Amazon ECR host already; an alias is another name (a CNAME, a proxy)`);
  // The settings loader refuses it too (a hand-written file); here it is said before anything is written.
  if (isPublicRegistryHost(lowerAlias)) throw new UsageError(`--alias ${alias}=${target}: ${alias} ${PUBLIC_ALIAS_PROBLEM}`);
  const registry = parseRegistry(target);
  if (!registry)
    throw new UsageError(
      `--alias ${alias}=${target}: ${target} is not an Amazon ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws)`,
    );
  return { alias: lowerAlias, target: registry.host };
}

/**
 * Edits the settings file's text (undefined: no file yet). Pure. Existing fields of an entry
 * that are not set now (`roleSessionName`, or a `profile` when only `--role-arn` is given) stay.
 */
export function editSettings(text: string | undefined, request: SettingsRequest, file: string): SettingsEdit {
  const root = parseConfigObject(text, file);
  const changes: string[] = [];
  const sets: JsonSet[] = [];
  if (request.registries.length > 0) {
    const registries = objectAt(root, 'registries', file);
    for (const { pattern, profile, roleArn } of request.registries) {
      const existing = findEntry(registries, pattern);
      if (existing !== undefined && existing.value.kind !== 'object') {
        throw new UsageError(
          `cannot change ${file}: registries[${JSON.stringify(pattern)}] is not a JSON object; fix it or move the file away`,
        );
      }
      const entry = objectAt(registries, pattern, file);
      for (const [field, value] of [
        ['profile', profile],
        ['roleArn', roleArn],
      ] as const) {
        if (value === undefined) continue;
        const was = stringValue(findEntry(entry, field)?.value);
        if (was === value) continue;
        setEntry(entry, field, jsonString(value));
        sets.push({ path: ['registries', pattern, field], value });
        changes.push(`registries["${pattern}"].${field}: ${was === undefined ? '' : `${was} -> `}${value}`);
      }
    }
  }
  if (request.aliases.length > 0) {
    const aliases = objectAt(root, 'aliases', file);
    for (const { alias, target } of request.aliases) {
      const was = stringValue(findEntry(aliases, alias)?.value);
      if (was === target) continue;
      setEntry(aliases, alias, jsonString(target));
      sets.push({ path: ['aliases', alias], value: target });
      changes.push(`aliases["${alias}"]: ${was === undefined ? '' : `${was} -> `}${target}`);
    }
  }
  if (changes.length === 0) return { text: text ?? '', changes };
  return { text: editJsonText(text, sets, detectLayout(text)), changes };
}
