import { PARTITIONS as REGISTRY_PARTITIONS } from '../registry/partitions';

/**
 * AWS partitions (IAM ARNs use them): commercial, China, GovCloud, the isolated regions and the
 * European Sovereign Cloud — the table of registry/partitions.ts.
 */
export const PARTITIONS: readonly string[] = REGISTRY_PARTITIONS.map((partition) => partition.id);

/** What an IAM role ARN looks like, for messages. */
export const ROLE_ARN_FORM = 'arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>';

/** IAM's limits (CreateRole, RoleName and Path; ARNs in STS calls). */
const MAX_ARN_LENGTH = 2048;
const MAX_PATH_LENGTH = 512;
const MAX_NAME_LENGTH = 64;
/** A role name: letters, digits and `+=,.@_-`. */
const NAME_CHARACTER = /^[\w+=,.@-]$/;

/** Whether every character of `text` is printable ASCII other than a space (IAM's path characters, U+0021–U+007E). */
function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/**
 * Why `value` is not an IAM role ARN by IAM's grammar, or undefined when it is one:
 * `arn:<partition>:iam::<12-digit account>:role/<path><name>`, a known partition, a path of
 * `/` or `/…/` (printable ASCII, at most 512 characters), a name of 1–64 `[\w+=,.@-]`, at most
 * 2048 characters in all. Read by splitting, not by one regular expression, so the time it
 * takes grows only with the length, which is checked first: the value may come from a
 * namespace tenant (kubelet's service account annotation).
 */
export function describeRoleArnProblem(value: string): string | undefined {
  if (value.length > MAX_ARN_LENGTH) return `longer than ${MAX_ARN_LENGTH} characters`;
  const parts = value.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn') return `not of the form ${ROLE_ARN_FORM}`;
  const [, partition = '', service, region, account = '', resource = ''] = parts;
  if (!PARTITIONS.includes(partition)) return `unknown partition (one of ${PARTITIONS.join(', ')})`;
  if (service !== 'iam' || region !== '') return 'not an IAM ARN (arn:<partition>:iam::…)';
  if (!/^\d{12}$/.test(account)) return 'the account is not 12 digits';
  if (!resource.startsWith('role/')) return 'not a role (…:role/<name>)';
  const pathAndName = resource.slice('role/'.length);
  const lastSlash = pathAndName.lastIndexOf('/');
  const path = `/${pathAndName.slice(0, lastSlash + 1)}`;
  const name = pathAndName.slice(lastSlash + 1);
  if (path.length > MAX_PATH_LENGTH || !isPrintableAscii(path)) {
    return `the role path must be /…/ of printable characters, at most ${MAX_PATH_LENGTH}`;
  }
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || ![...name].every((c) => NAME_CHARACTER.test(c))) {
    return `the role name must be 1 to ${MAX_NAME_LENGTH} letters, digits or +=,.@_-`;
  }
  return undefined;
}

/** Whether `value` is an IAM role ARN (`describeRoleArnProblem` finds nothing wrong). */
export function isRoleArn(value: string): boolean {
  return describeRoleArnProblem(value) === undefined;
}

/** Quotes the start of a value a message must not repeat whole (it may be long, or written by someone else). */
export function quotePrefix(value: string, max = 48): string {
  return value.length <= max ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, max))}…`;
}
