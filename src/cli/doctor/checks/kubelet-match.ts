import { matchImage } from '../../../registry/kubelet-match-image';
import { fail, ok } from '../check-result';
import type { DoctorCheck } from '../doctor-check';

/**
 * kubelet's choice of providers for the image: every provider with a matchImages pattern that
 * matches the name kubelet looks the image up by (kubelet runs each of them). None: kubelet
 * pulls without credentials; the report says, pattern by pattern, why each did not match.
 */
export const kubeletMatchCheck: DoctorCheck = {
  name: 'kubelet-match',
  needs: { fact: 'kubeletProviders', why: 'no config kubelet accepts (see kubelet-config)' },
  run({ kubelet }, { kubeletProviders = [] }) {
    const name = 'kubelet-match';
    const image = kubelet?.lookupName ?? '';
    const lookedUp = kubelet && kubelet.image !== image ? `${kubelet.image} is looked up as ${image}` : image;
    const matched = kubeletProviders.flatMap((provider) => {
      const pattern = provider.matchImages.find((p) => matchImage(p, image).matched);
      return pattern === undefined ? [] : [{ provider, pattern }];
    });
    if (matched.length > 0) {
      const lines = matched.map(({ provider, pattern }) => `  ${provider.name} (matchImages ${JSON.stringify(pattern)})`);
      const runs = matched.length === 1 ? 'kubelet runs' : 'kubelet runs each of';
      return {
        result: ok(name, [`${lookedUp}: ${runs}`, ...lines].join('\n')),
        facts: { kubeletMatched: matched.map((m) => m.provider) },
      };
    }
    const reasons = kubeletProviders.flatMap((provider) => [
      `  ${provider.name}:`,
      ...provider.matchImages.map((pattern) => {
        const match = matchImage(pattern, image);
        return `    ${JSON.stringify(pattern)}: ${match.matched ? 'matches' : match.why}`;
      }),
    ]);
    const host = image.split('/', 1)[0] ?? image;
    return {
      result: fail(
        name,
        [`${lookedUp}: no provider's matchImages matches it, so kubelet pulls it without credentials`, ...reasons].join('\n'),
        `add ${JSON.stringify(host)} (or a glob of the same number of dot-separated parts) to the matchImages of the provider for this registry`,
      ),
    };
  },
};
