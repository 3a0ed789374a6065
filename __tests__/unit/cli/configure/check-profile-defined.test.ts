import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkProfileDefined } from '../../../../src/cli/configure/check-profile-defined';
import { hostProcessFacts } from '../../../helpers/host-fs';
import { makeTempDir } from '../../../helpers/temp-dir';

const { fsPlatform } = hostProcessFacts();

/** A home with ~/.aws/config and ~/.aws/credentials holding `config` and `credentials` (undefined: no file). */
function homeWith(config: string | undefined, credentials: string | undefined): string {
  const home = makeTempDir();
  fs.mkdirSync(path.join(home, '.aws'));
  if (config !== undefined) fs.writeFileSync(path.join(home, '.aws', 'config'), config);
  if (credentials !== undefined) fs.writeFileSync(path.join(home, '.aws', 'credentials'), credentials);
  return home;
}

describe('checkProfileDefined (configure --profile)', () => {
  it.each([
    ['[profile dev] in config', 'dev', '[profile dev]\nregion = us-east-1\n', undefined],
    ['[dev] in credentials', 'dev', undefined, '[dev]\naws_access_key_id = AKIA\n'],
    ['[ profile  dev ] with blanks', 'dev', '[ profile  dev ]\n', undefined],
    ['[default] in config', 'default', '[default]\n', undefined],
    ['[profile default] in config', 'default', '[profile default]\n', undefined],
    ['[default] in credentials', 'default', undefined, '[default]\n'],
  ])('defined: %s', (_what, profile, config, credentials) => {
    expect(checkProfileDefined(profile, {}, homeWith(config, credentials), fsPlatform)).toBeUndefined();
  });

  it.each([
    ['no files', 'dev', undefined, undefined],
    ['[dev] in config (the SDK wants [profile dev] there)', 'dev', '[dev]\n', undefined],
    ['[profile dev] in credentials (the SDK wants [dev] there)', 'dev', undefined, '[profile dev]\n'],
    ['another name only', 'dev', '[profile prod]\n', '[staging]\n'],
    ['a commented-out section', 'dev', '# [profile dev]\n', undefined],
    ['default in neither', 'default', '[profile dev]\n', undefined],
  ])('not defined: %s; the warning names both files read', (_what, profile, config, credentials) => {
    const home = homeWith(config, credentials);
    expect(checkProfileDefined(profile, {}, home, fsPlatform)).toBe(
      `profile ${profile} is defined in neither AWS file read, ${path.join(home, '.aws', 'config')} nor ${path.join(home, '.aws', 'credentials')}: ` +
        `the registry's token requests will fail until it is; check the name, or define it (aws configure --profile ${profile})`,
    );
  });

  it('reads AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE (~ from the home given) instead of ~/.aws', () => {
    const home = homeWith('[profile dev]\n', '[dev]\n');
    const elsewhere = makeTempDir();
    const config = path.join(elsewhere, 'config');
    fs.writeFileSync(config, '[profile ci]\n');
    fs.writeFileSync(path.join(home, 'creds'), '[robot]\n');
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '~/creds' };
    expect(checkProfileDefined('ci', env, home, fsPlatform)).toBeUndefined();
    expect(checkProfileDefined('robot', env, home, fsPlatform)).toBeUndefined();
    expect(checkProfileDefined('dev', env, home, fsPlatform)).toContain(
      `neither AWS file read, ${config} nor ${path.join(home, 'creds')}:`,
    );
  });
});
