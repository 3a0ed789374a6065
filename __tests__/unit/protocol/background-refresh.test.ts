import { selectProtocol } from '../../../src/cli/run-cli';
import { formatRefreshTarget } from '../../../src/protocol/refresh/background-refresh';
import { parseSettings } from '../../../src/settings/parse-settings';
import { selectRegistryTarget } from '../../../src/settings/select-registry-settings';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const ROLE = 'arn:aws:iam::123456789012:role/puller';
const settings = parseSettings(
  JSON.stringify({
    registries: { [HOST]: { roleArn: ROLE }, [`${HOST}:5000`]: { profile: 'five-thousand' } },
    aliases: { 'registry.example.com': HOST, 'proxy.example.com:5000': HOST },
  }),
  '/home/u/.ecr/config.json',
);

describe('the refresher target', () => {
  it.each([
    [HOST, `https://${HOST}`],
    [`https://user:secret@${HOST}/v2/?q=1`, `https://${HOST}`],
    [`${HOST}:443`, `https://${HOST}`],
    [`${HOST}:5000/team/app`, `https://${HOST}:5000`],
    ['Registry.Example.COM/team/app', 'https://registry.example.com'],
    ['https://proxy.example.com:5000/v2/', 'https://proxy.example.com:5000'],
    ['public.ecr.aws/team/app:1.0', 'https://public.ecr.aws'],
  ])('%s: %s, which selects the same registry, alias and settings again (never userinfo, path or query)', (input, expected) => {
    const target = selectRegistryTarget(input, settings);
    if (!target) throw new Error(`${input} names no target`);
    const text = formatRefreshTarget(target);
    expect(text).toBe(expected);
    expect(selectRegistryTarget(text, settings)).toEqual(target);
  });

  it('the hidden argument selects the refresher under either program name, whatever follows', () => {
    expect(selectProtocol('docker-credential-ecr-login', ['__refresh-token', `https://${HOST}`])).toBe('refresh');
    expect(selectProtocol('ecr-credential-provider', ['__refresh-token', `https://${HOST}`])).toBe('refresh');
    expect(selectProtocol('ecr-credential-provider', ['get-credentials'])).toBe('kubelet');
  });
});
