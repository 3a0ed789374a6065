import fc from 'fast-check';

/**
 * fast-check's settings for the property tests (__tests__/property): a fixed seed and a thousand
 * runs each in `npm test`, so that a run means the same on every machine; `npm run fuzz`
 * (scripts/fuzz.mjs) sets FUZZ_RUNS much higher and a seed of its own, and fast-check prints
 * the seed and path of any counterexample, which FUZZ_SEED and FUZZ_PATH replay.
 */
export const FUZZ: fc.Parameters<unknown> = {
  seed: Number(process.env.FUZZ_SEED ?? 20261203),
  numRuns: Number(process.env.FUZZ_RUNS ?? 1000),
  ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
};

/** An ECR registry host, for the fragments. */
export const ECR_HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

/**
 * Pieces that server URLs, images and hostile look-alikes are made of: schemes and their
 * broken forms, userinfo, ports, brackets, separators, percent-encoding, Unicode that some
 * parser maps to ASCII (the Kelvin sign, full-width letters), controls, and real host names.
 */
const FRAGMENTS = [
  'https://',
  'http://',
  'HTTPS://',
  'https:',
  'https:/',
  'https:///',
  'ftp://',
  'unix:',
  '@',
  'user:pw@',
  'a@b@',
  '\\',
  '/',
  '//',
  '/v2/',
  '?x=1',
  '#f',
  ':',
  ':443',
  ':0443',
  ':5000',
  ':65536',
  '[',
  ']',
  '[::1]',
  '[0:0::1]',
  '%6f',
  '%2e',
  '\u212a',
  '\uff4b',
  '\u0130',
  '.',
  '..',
  '-',
  '_',
  '*',
  ' ',
  '\t',
  '\n',
  '\u0000',
  '\u2028',
  '0x7f',
  '127.1',
  '10.0.0.1',
  'xn--',
  ECR_HOST,
  '123456789012',
  'dkr',
  'dkr-ecr',
  'ecr',
  'ecr-fips',
  'us-east-1',
  'amazonaws',
  'com',
  'cn',
  'on.aws',
  'public.ecr.aws',
  'registry.example.com',
  'evil.example',
  'docker.io',
];

const fragment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4, unit: 'grapheme' }) },
);

/** Hosts the property tests configure or care about: ECR, ECR Public, China, aliases (with and without a port), public registries. */
const HOSTS = [
  ECR_HOST,
  'public.ecr.aws',
  '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
  '123456789012.dkr-ecr-fips.us-west-2.on.aws',
  'registry.example.com',
  'mirror.example.com:5000',
  'docker.io',
  'evil.example',
];

/** A server URL as clients send one: a real host, decorated. */
const decorated = fc
  .tuple(
    fc.constantFrom('', 'https://', 'http://', 'https://user:pw@'),
    fc.constantFrom(...HOSTS),
    fc.constantFrom('', ':443', ':5000', '.', '/v2/', '/team/app:1'),
  )
  .map(([scheme, host, suffix]) => `${scheme}${host}${suffix}`);

/**
 * Strings that look like server URLs: FRAGMENTS and arbitrary characters strung together,
 * decorated real hosts, and decorated real hosts with one fragment spliced in anywhere.
 */
export const urlish: fc.Arbitrary<string> = fc.oneof(
  fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join('')),
  decorated,
  fc.tuple(decorated, fc.nat(), fragment).map(([url, at, piece]) => {
    const i = at % (url.length + 1);
    return `${url.slice(0, i)}${piece}${url.slice(i)}`;
  }),
);

/**
 * The host and port a server URL names, read the plain way a person reads it, independently
 * of the code under test: an optional `http(s)://`, the authority up to the first `/`, `?` or
 * `#`, after the last `@`, the port after the last `:` (outside brackets); lower case, no
 * trailing dot. Property tests compare what the helper answers for against this.
 */
export function plainHostPort(input: string): { host: string; port: string | undefined } {
  let rest = input.trim().replace(/^https?:\/\//i, '');
  const end = rest.search(/[/?#]/);
  if (end !== -1) rest = rest.slice(0, end);
  rest = rest.slice(rest.lastIndexOf('@') + 1);
  const close = rest.lastIndexOf(']');
  const colon = rest.lastIndexOf(':');
  const hasPort = colon > close;
  const host = (hasPort ? rest.slice(0, colon) : rest).toLowerCase().replace(/\.$/, '');
  return { host, port: hasPort ? rest.slice(colon + 1) : undefined };
}

/** The ECR host pattern of the reference (REFERENCE.md §3), and ECR Public's hosts: the specification, not the code's copy. */
const ECR_PRIVATE =
  /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;
export function isEcrHostBySpec(host: string): boolean {
  return ECR_PRIVATE.test(host) || host === 'public.ecr.aws' || host === 'ecr-public.aws.com';
}
