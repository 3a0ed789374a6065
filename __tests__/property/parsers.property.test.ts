import fc from 'fast-check';
import { parseImageRegistry } from '../../src/registry/parse-image-registry';
import { parseRegistry } from '../../src/registry/parse-registry';
import { parseServerUrl, readPlainServerUrl, readServerUrl } from '../../src/registry/parse-server-url';
import { ECR_HOST, FUZZ, isEcrHostBySpec, plainHostPort, urlish } from '../helpers/fuzz';

/*
 * The server-URL and image-host parsers, over look-alikes and arbitrary text: invariants, not
 * outputs. Whatever they call an ECR registry is the host a person reads in the input, and an
 * ECR host by the specification's pattern; they never throw.
 */

const inputs = fc.oneof(urlish, fc.string({ maxLength: 80 }), fc.string({ maxLength: 40, unit: 'binary' }));

describe('the server-URL parser', () => {
  it('never throws; a host it reads is lower case, with no trailing dot, and the one a person reads', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const url = parseServerUrl(input);
        if (url === undefined) return;
        expect(url.hostname).toBe(url.hostname.toLowerCase());
        expect(url.hostname.endsWith('.')).toBe(false);
        expect(url.hostname).toBe(plainHostPort(input).host);
      }),
      FUZZ,
    );
  });

  it('an ECR registry it finds is the plain host of the input and an ECR host by the specification', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const registry = parseRegistry(input);
        if (registry === undefined) return;
        expect(registry.host).toBe(plainHostPort(input).host);
        expect(isEcrHostBySpec(registry.host)).toBe(true);
      }),
      FUZZ,
    );
  });

  it('an ECR host decorated the ways clients send it is still found (control)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 'https://', 'HTTPS://'),
        fc.constantFrom('', 'user:pw@'),
        fc.constantFrom('', ':443', '.'),
        fc.constantFrom('', '/', '/v2/', '/team/app:1'),
        (scheme, userinfo, suffix, path) => {
          if (scheme === '' && userinfo !== '') return; // `user:pw@host` without a scheme reads as a scheme
          expect(parseRegistry(`${scheme}${userinfo}${ECR_HOST}${suffix}${path}`)?.host).toBe(ECR_HOST);
        },
      ),
      FUZZ,
    );
  });
});

describe("the server-URL parser's shortcut for plain host names", () => {
  /** Names near the shortcut's edges: numeric and hex labels, `xn--`, empty labels, case, a scheme, a port. */
  const label = fc.oneof(
    fc.stringMatching(/^[a-z0-9-]{1,8}$/),
    fc.constantFrom('xn--p1ai', 'xn--', 'xn--a', 'XN--p1ai', '0x7f', '127', '0', '00', 'Com', 'a_b', '-', ''),
  );
  const hostish = fc
    .tuple(
      fc.constantFrom('', 'https://', 'http://', 'HTTPS://', ' '),
      fc.array(label, { minLength: 1, maxLength: 5 }),
      fc.constantFrom('', '.', ':443', ':5000', '/', ' '),
    )
    .map(([scheme, labels, suffix]) => `${scheme}${labels.join('.')}${suffix}`);

  it('reads a name exactly as the full parser does, or leaves it to that parser', () => {
    fc.assert(
      fc.property(fc.oneof(hostish, inputs), (input) => {
        const plain = readPlainServerUrl(input);
        if (plain !== undefined) expect(plain).toEqual(readServerUrl(input));
      }),
      FUZZ,
    );
  });

  it('reads the spellings clients send for ECR hosts (control)', () => {
    for (const input of [ECR_HOST, `https://${ECR_HOST}`, 'public.ecr.aws', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn']) {
      expect(readPlainServerUrl(input)).toEqual(readServerUrl(input));
      expect(readPlainServerUrl(input)).toBeDefined();
    }
  });
});

describe('the image-host parser (kubelet)', () => {
  it('never throws; the registry it finds is the plain host of the image, and the auth key is that host as spelled', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom('', '/app', '/team/app:1', '/app@sha256:ab'), (host, path) => {
        const image = `${host}${path}`;
        const parsed = parseImageRegistry(image);
        if (parsed === undefined) return;
        expect(parsed.host.toLowerCase().replace(/\.$/, '')).toBe(plainHostPort(image).host);
        if (parsed.registry !== undefined) expect(isEcrHostBySpec(parsed.registry.host)).toBe(true);
      }),
      FUZZ,
    );
  });
});
