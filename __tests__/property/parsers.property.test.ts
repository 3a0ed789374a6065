import fc from 'fast-check';
import { parseImageRegistry } from '../../src/registry/parse-image-registry';
import { parseRegistry } from '../../src/registry/parse-registry';
import { parseServerUrl } from '../../src/registry/parse-server-url';
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
