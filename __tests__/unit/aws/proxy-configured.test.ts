import fc from 'fast-check';
import { getProxyForUrl } from 'proxy-from-env';
import { isProxyConfigured } from '../../../src/aws/create-proxy-agent';
import { FUZZ } from '../../helpers/fuzz';

/*
 * `isProxyConfigured` decides whether the executable may send with fetch (no proxy anywhere)
 * or must keep the Node handler, whose agent asks proxy-from-env per connection. It must say
 * yes whenever proxy-from-env would send some URL through a proxy: checked against
 * proxy-from-env itself (which reads process.env) over environments of proxy-like variables.
 */

const NAMES = [
  'https_proxy',
  'http_proxy',
  'all_proxy',
  'npm_config_https_proxy',
  'npm_config_http_proxy',
  'npm_config_proxy',
  'no_proxy',
  'npm_config_no_proxy',
  'ftp_proxy',
  'socks_proxy',
  'proxy',
  'HTTPS_PROXY_X',
];
const environments = fc.dictionary(
  fc.constantFrom(...NAMES.flatMap((name) => [name, name.toUpperCase()])),
  fc.constantFrom('', 'http://proxy.example:3128', 'proxy.example:8080', '*', '.example.com'),
  { maxKeys: 4 },
);
const urls = fc.record({
  protocol: fc.constantFrom('https:', 'http:'),
  hostname: fc.constantFrom('ecr.us-east-1.amazonaws.com', 'sts.amazonaws.com', '127.0.0.1', 'api.example.com'),
  port: fc.constantFrom('', '443', '80', '8443'),
});

/** proxy-from-env's answer for `url` with exactly `env` as the process environment. */
function proxyFor(env: Record<string, string>, url: { protocol: string; hostname: string; port: string }): string {
  const saved = process.env;
  process.env = { ...env };
  try {
    return getProxyForUrl({ protocol: url.protocol, host: `${url.hostname}:${url.port}`, port: url.port } as never);
  } finally {
    process.env = saved;
  }
}

describe('isProxyConfigured', () => {
  it('is true for each variable proxy-from-env reads, in either case', () => {
    for (const name of ['https_proxy', 'http_proxy', 'all_proxy', 'npm_config_https_proxy', 'npm_config_http_proxy', 'npm_config_proxy']) {
      expect([name, isProxyConfigured({ [name]: 'http://proxy.example:3128' })]).toEqual([name, true]);
      expect([name, isProxyConfigured({ [name.toUpperCase()]: 'http://proxy.example:3128' })]).toEqual([name, true]);
    }
    expect(isProxyConfigured({ NO_PROXY: '*', HTTPS_PROXY: '', PATH: '/usr/bin' })).toBe(false);
  });

  it('is true whenever proxy-from-env would send a URL through a proxy', () => {
    fc.assert(
      fc.property(environments, urls, (env, url) => {
        if (proxyFor(env, url) !== '') expect(isProxyConfigured(env)).toBe(true);
      }),
      FUZZ,
    );
  });
});
