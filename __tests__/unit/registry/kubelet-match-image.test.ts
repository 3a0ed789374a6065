import fc from 'fast-check';
import { kubeletImageName } from '../../../src/registry/kubelet-image-name';
import {
  globMatch,
  kubeletAuthKeyMatches,
  kubeletMatchesImage,
  matchImage,
  normalizeKubeletAuthKey,
  parseSchemelessUrl,
  splitHostPort,
} from '../../../src/registry/kubelet-match-image';
import { kubeletMatchesImage as helperMatches } from '../../helpers/kubelet-match-images';

describe('matchImage: kubelet URLsMatch', () => {
  // kubelet's own cases (pkg/credentialprovider keyring_test.go TestURLsMatch) and the CredentialProvider docs.
  it.each([
    ['*.kubernetes.io', 'prefix.kubernetes.io', true],
    ['prefix.*.io', 'prefix.kubernetes.io', true],
    ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
    ['http://*.kubernetes.io', 'prefix.kubernetes.io', false],
    ['*.kubernetes.io/foo', 'prefix.kubernetes.io/foo/bar', true],
    ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
    ['*.kubernetes.io/foo', 'prefix.kubernetes.io/bar', false],
    ['*.io', 'prefix.kubernetes.io', false],
    ['*.kubernetes.io:8080', 'prefix.kubernetes.io:8080', true],
    ['*.kubernetes.io:8080', 'prefix.kubernetes.io', false],
    ['*.kubernetes.io', 'prefix.kubernetes.io:8080', false],
    ['gcr.io', 'gcr.io/project/image', true],
    ['*.*.registry.io', 'a.b.registry.io/x', true],
    ['registry.io:8080/path', 'registry.io:8080/path/app', true],
    ['app*.k8s.io', 'app1.k8s.io', true],
    ['app*.k8s.io', 'bpp1.k8s.io', false],
    ['b[a-c]p.k8s.io', 'bbp.k8s.io', true],
    ['b[a-c]p.k8s.io', 'bdp.k8s.io', false],
    // ^ (a negated class) is not a character Go's url.Parse allows in a host: no match, ever.
    ['b[^a-c]p.k8s.io', 'bdp.k8s.io', false],
    ['a?p.k8s.io', 'app.k8s.io', false],
    // Go's url.Parse reads a leading [ as an IPv6 literal and ? as the start of the query.
    ['[a-c]pp.k8s.io', 'bpp.k8s.io', false],
    ['?pp.k8s.io', 'app.k8s.io', false],
    ['\\*pp.k8s.io', 'app.k8s.io', false],
    ['[a-.k8s.io', 'a.k8s.io', false],
    ['user@registry.io', 'registry.io/app', true],
    ['registry.io', 'registry.io:abc/app', false],
    // letter case is compared as written, as Go's filepath.Match does
    ['registry.io', 'Registry.io/app', false],
  ])('%s ~ %s -> %s', (pattern, image, expected) => {
    expect(kubeletMatchesImage(pattern, image)).toBe(expected);
  });

  it.each([
    ['*.dkr.ecr.*.amazonaws.com', 'registry.example.com:5000/app', 'port (none) in the pattern, 5000 in the image'],
    ['*.dkr.ecr.*.amazonaws.com', 'docker.io/library/nginx', '6 host parts in the pattern, 2 in the image (a * matches one part)'],
    ['registry.io/team', 'registry.io/other/app', "the image's path does not start with /team"],
    ['*.dkr.ecr.*.amazonaws.com', '1.dkr.ecrx.us-east-1.amazonaws.com/a', 'host part "ecrx" does not match "ecr"'],
    ['a b.io', 'a.io', 'the pattern is not a URL kubelet can parse'],
  ])('%s ~ %s: why not', (pattern, image, why) => {
    expect(matchImage(pattern, image)).toEqual({ matched: false, why });
  });

  it.each([
    ['registry.io:5000/a%2Fb?x#y', { host: 'registry.io:5000', hostParts: ['registry', 'io'], port: '5000', path: '/a/b' }],
    ['[::1]:5000/app', { host: '[::1]:5000', hostParts: ['::1'], port: '5000', path: '/app' }],
    ['host:/app', { host: 'host:', hostParts: ['host'], port: '', path: '/app' }],
    // SplitURL: where net.SplitHostPort fails ("missing port", "too many colons") the whole
    // host is one name, brackets and colons kept, with no port.
    ['[::1]/app', { host: '[::1]', hostParts: ['[::1]'], port: '', path: '/app' }],
    ['a:b:1/app', { host: 'a:b:1', hostParts: ['a:b:1'], port: '', path: '/app' }],
    ['u@r.io:1', { host: 'r.io:1', hostParts: ['r', 'io'], port: '1', path: '' }],
  ])('parseSchemelessUrl(%s)', (text, expected) => {
    expect(parseSchemelessUrl(text)).toEqual(expected);
  });

  it.each(['host\n/app', 'host:12a/app', 'ho st/app', 'host/%zz', '[::1/app', '[::1]:5000:6/app'])(
    'parseSchemelessUrl(%j) fails as Go url.Parse does',
    (text) => {
      expect(parseSchemelessUrl(text)).toBeUndefined();
    },
  );

  // Go's net.SplitHostPort (net/ipsock.go) on each shape; undefined where it returns an error.
  it.each([
    ['host:5000', { host: 'host', port: '5000' }],
    ['host:', { host: 'host', port: '' }],
    ['[::1]:5000', { host: '::1', port: '5000' }],
    ['[::1]:', { host: '::1', port: '' }],
    ['host', undefined], // missing port in address
    ['[::1]', undefined], // missing port in address
    ['a:b:1', undefined], // too many colons in address
    ['[::1]:5:6', undefined], // too many colons in address
    ['[::1]x:5', undefined], // missing port in address
    ['[::1:5', undefined], // missing ']' in address
    ['a[b:5', undefined], // unexpected '[' in address
    ['a]b:5', undefined], // unexpected ']' in address
  ])('splitHostPort(%j) as Go', (text, expected) => {
    expect(splitHostPort(text)).toEqual(expected);
  });

  // URLsMatch with those hosts: kubelet's SplitURL keeps `[::1]` and `a:b:1` whole, so they
  // match only a pattern that is itself such a glob part.
  it.each([
    ['[::1]:5000', '[::1]:5000/app', true],
    ['[::1]', '[::1]/app', false], // the glob part "[::1]" is a class of one character
    ['a:b:1', 'a:b:1/app', true], // one part "a:b:1" on both sides, no port
    ['a:b:1', 'a:b:2/app', false],
    ['a:b', 'a:b:1/app', false], // port '' and host a:b against one part a:b:1
  ])('%s ~ %s -> %s (Go SplitURL)', (pattern, image, expected) => {
    expect(kubeletMatchesImage(pattern, image)).toBe(expected);
  });

  // BasicDockerKeyring.Add (pkg/credentialprovider/keyring.go): `https://` unless the key has
  // `https://` or `http://`, url.Parse, then Host plus Path with `/v1/` or `/v2/` cut to `/`.
  it.each([
    ['host.io', 'host.io'],
    ['https://host.io', 'host.io'],
    ['http://host.io', 'host.io'],
    ['host.io/v2/', 'host.io'],
    ['https://host.io/v1/', 'host.io'],
    ['https://host.io/v2/team', 'host.io/team'],
    ['host.io/v2', 'host.io/v2'], // no trailing slash: not cut
    ['host.io/v3/', 'host.io/v3/'],
    ['host.io/', 'host.io'],
    ['HTTPS://host.io', 'HTTPS://host.io'], // the prefix check is case-sensitive: host "HTTPS:", path "//host.io"
    ['https://user@host.io:5000/x?q#f', 'host.io:5000/x'],
    ['host.io/a%2Fb', 'host.io/a/b'],
    ['host.io:x', undefined], // url.Parse fails: kubelet ignores the entry
  ])('normalizeKubeletAuthKey(%j) -> %j', (key, expected) => {
    expect(normalizeKubeletAuthKey(key)).toBe(expected);
  });

  it.each([
    ['https://host.io', 'host.io/app', true],
    ['http://host.io/v2/', 'host.io/app', true],
    ['host.io/v2/team', 'host.io/team/app', true],
    ['https://host.io:443', 'host.io/app', false],
    ['host.io:x', 'host.io/app', false],
  ])('kubeletAuthKeyMatches(%j, %j) -> %s', (key, image, expected) => {
    expect(kubeletAuthKeyMatches(key, image)).toBe(expected);
  });

  it('globMatch is linear: a pattern of many stars against a long name answers at once', () => {
    const started = process.hrtime.bigint();
    expect(globMatch(`${'*a'.repeat(30)}b`, 'a'.repeat(60))).toBe(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(200);
  });

  it('agrees with the independent test matcher (helpers/kubelet-match-images.ts) on host-like patterns and images', () => {
    const label = fc.stringMatching(/^[a-c*]{1,3}$/);
    const host = fc.array(label, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
    const port = fc.constantFrom('', ':5000', ':443');
    const pathPart = fc.constantFrom('', '/a', '/a/b', '/b');
    const concrete = (text: string) => text.replace(/\*/g, 'a');
    fc.assert(
      fc.property(host, port, pathPart, host, port, pathPart, (h1, p1, r1, h2, p2, r2) => {
        const pattern = `${h1}${p1}${r1}`;
        const image = `${concrete(h2)}${p2}${r2}`;
        expect(kubeletMatchesImage(pattern, image)).toBe(helperMatches(pattern, image));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('kubeletImageName: what kubelet looks an image up by', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx'],
    ['nginx:1.25', 'docker.io/library/nginx'],
    ['team/app:1', 'docker.io/team/app'],
    ['docker.io/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/team/app', 'docker.io/team/app'],
    ['localhost/app:1', 'localhost/app'],
    ['registry.example.com:5000/app:1', 'registry.example.com:5000/app'],
    ['registry.example.com:5000/app', 'registry.example.com:5000/app'],
    [
      `111122223333.dkr.ecr.us-east-1.amazonaws.com/team/app@sha256:${'a'.repeat(64)}`,
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/team/app',
    ],
    ['111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1@sha256:abc', '111122223333.dkr.ecr.us-east-1.amazonaws.com/app'],
  ])('%s -> %s', (reference, expected) => {
    expect(kubeletImageName(reference)).toBe(expected);
  });
});
