import { parseCredentialProviderConfig } from '../../../src/protocol/kubelet/parse-credential-provider-config';
import { parseCredentialProviderResponse } from '../../../src/protocol/kubelet/parse-credential-provider-response';

const provider = (fields: Record<string, unknown> = {}) => ({
  name: 'ecr-credential-provider',
  matchImages: ['*.dkr.ecr.*.amazonaws.com'],
  defaultCacheDuration: '12h',
  apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
  ...fields,
});
const config = (providers: unknown[], fields: Record<string, unknown> = {}) => ({
  apiVersion: 'kubelet.config.k8s.io/v1',
  kind: 'CredentialProviderConfig',
  providers,
  ...fields,
});

describe('parseCredentialProviderConfig: kubelet strict decoding and validation', () => {
  it('reads a provider, absent optional fields as Go zero values', () => {
    expect(parseCredentialProviderConfig(config([provider()]))).toEqual({
      apiVersion: 'kubelet.config.k8s.io/v1',
      providers: [{ ...provider(), args: [], env: [], tokenAttributes: undefined }],
    });
  });

  it.each([
    [config([provider()], { kind: 'KubeletConfiguration' }), 'kind is "KubeletConfiguration", not CredentialProviderConfig'],
    [{ apiVersion: 'kubelet.config.k8s.io/v1', providers: [] }, "Object 'Kind' is missing"],
    [config([provider()], { apiVersion: 'kubelet.config.k8s.io/v2' }), 'apiVersion "kubelet.config.k8s.io/v2" is not one kubelet reads'],
    [config([provider()], { metadata: {} }), 'strict decoding error: "metadata" is not a known field'],
    [config([provider({ matchImage: ['x'] })]), 'strict decoding error: "providers[0].matchImage" is not a known field'],
    [config([provider({ env: [{ name: 'A', value: 1 }] })]), 'strict decoding error: "providers[0].env[0].value" must be a string'],
    [config([provider({ defaultCacheDuration: '12 hours' })]), '"providers[0].defaultCacheDuration" must be a Go duration'],
    [config([]), 'providers: at least 1 item in plugins is required'],
    [config([provider({ defaultCacheDuration: undefined })]), 'providers[0].defaultCacheDuration: Required value'],
    [config([provider({ defaultCacheDuration: '-1m' })]), 'defaultCacheDuration must be greater than or equal to 0'],
    [config([provider({ apiVersion: 'credentialprovider.kubelet.k8s.io/v2' })]), 'providers[0].apiVersion: Unsupported value'],
    [config([provider({ matchImages: [] })]), 'providers[0].matchImages: at least 1 item in matchImages is required'],
    [config([provider({ matchImages: ['a b'] })]), 'providers[0].matchImages: match image "a b" is invalid'],
    [config([provider({ name: 'a/b' })]), "providers[0].name: provider name cannot contain '/'"],
    [config([provider(), provider()]), 'providers[1].name: duplicate value "ecr-credential-provider"'],
    [
      config([
        provider({
          apiVersion: 'credentialprovider.kubelet.k8s.io/v1beta1',
          tokenAttributes: { serviceAccountTokenAudience: 'sts', cacheType: 'Token', requireServiceAccount: true },
        }),
      ]),
      'tokenAttributes is only supported for credentialprovider.kubelet.k8s.io/v1 API version',
    ],
    [
      config([provider({ tokenAttributes: { serviceAccountTokenAudience: 'sts', cacheType: 'Pod' } })]),
      'providers[0].tokenAttributes.requireServiceAccount: Required value',
    ],
  ])('refuses %j: %s', (document, message) => {
    expect(() => parseCredentialProviderConfig(document)).toThrow(message);
  });
});

describe('parseCredentialProviderResponse: what kubelet decodes of a provider answer', () => {
  const V1 = 'credentialprovider.kubelet.k8s.io/v1';
  const answer = (fields: Record<string, unknown> = {}) =>
    JSON.stringify({
      kind: 'CredentialProviderResponse',
      apiVersion: V1,
      cacheKeyType: 'Registry',
      cacheDuration: '6h0m0s',
      auth: { h: { username: 'AWS', password: 'secret-pw' } },
      ...fields,
    });

  it('reads the answer', () => {
    expect(parseCredentialProviderResponse(answer(), V1)).toEqual({
      cacheKeyType: 'Registry',
      cacheDuration: '6h0m0s',
      auth: { h: { username: 'AWS', password: 'secret-pw' } },
    });
  });

  it.each([
    ['not json', 'stdout is not JSON'],
    [
      answer({ apiVersion: 'credentialprovider.kubelet.k8s.io/v1beta1' }),
      'apiVersion "credentialprovider.kubelet.k8s.io/v1beta1" is not the configured',
    ],
    [answer({ kind: 'Other' }), 'kind "Other" is not CredentialProviderResponse'],
    [answer({ cacheKeyType: 'Pod' }), 'cacheKeyType "Pod" is not Image, Registry or Global'],
    [answer({ extra: 1 }), 'strict decoding error: extra is not a known field'],
    [answer().replace('"kind"', '"kind":"x","kind"'), 'strict decoding error: duplicate field "kind"'],
    [answer({ cacheDuration: '6 hours' }), 'cacheDuration "6 hours" is not a Go duration'],
  ])('refuses %s', (stdout, message) => {
    expect(() => parseCredentialProviderResponse(stdout, V1)).toThrow(message);
    // Never the output itself: it may hold a password.
    try {
      parseCredentialProviderResponse(stdout, V1);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-pw');
    }
  });
});
