import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseIniSections, resolveIdentityMaterial } from '../../../src/aws/identity-fingerprint';
import { hostFs } from '../../helpers/host-fs';
import { makeTempDir } from '../../helpers/temp-dir';

function homeWith(config: string, credentials = ''): string {
  const home = makeTempDir();
  fs.mkdirSync(path.join(home, '.aws'));
  fs.writeFileSync(path.join(home, '.aws', 'config'), config);
  fs.writeFileSync(path.join(home, '.aws', 'credentials'), credentials);
  return home;
}

const CONFIG = `
[default]
region = us-east-1

[profile base]
aws_access_key_id = AKIABASE000000000001

[profile dev]
role_arn = arn:aws:iam::111111111111:role/dev
source_profile = base

[profile prod]
role_arn = arn:aws:iam::222222222222:role/prod
source_profile = base

[profile sso]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
`;

describe('parseIniSections', () => {
  it('reads sections, normalising spacing around "=" and skipping comments', () => {
    const sections = parseIniSections('# c\n[profile  a]\nkey = v\n; x\n[b]\nk=w\n  nested = 1\n');
    expect([...sections]).toEqual([
      ['profile a', ['key=v']],
      ['b', ['k=w', 'nested=1']],
    ]);
  });

  it('reads a header up to its first "]", and only the first "=" of a line', () => {
    const sections = parseIniSections('[ x  y ] trailing]\na = b = c\n[]\n= v\n[open\n');
    expect([...sections]).toEqual([
      ['x y', ['a=b = c']],
      ['', ['=v', '[open']],
    ]);
  });

  it('a 64 KiB line of blanks, or of "[" and blanks, in well under a second', () => {
    const started = performance.now();
    parseIniSections(`[x]\n${' \t'.repeat(32768)}x\n[${' '.repeat(65536)}x\n${'\t'.repeat(65536)}\u0000=\n`);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe('resolveIdentityMaterial', () => {
  it('is stable for the same configuration', () => {
    const home = homeWith(CONFIG);
    expect(resolveIdentityMaterial({ AWS_PROFILE: 'dev' }, home, hostFs())).toBe(
      resolveIdentityMaterial({ AWS_PROFILE: 'dev' }, home, hostFs()),
    );
  });

  it('differs between profiles that assume different roles', () => {
    const home = homeWith(CONFIG);
    expect(resolveIdentityMaterial({ AWS_PROFILE: 'dev' }, home, hostFs())).not.toBe(
      resolveIdentityMaterial({ AWS_PROFILE: 'prod' }, home, hostFs()),
    );
  });

  it('follows source_profile: changing the source changes the identity', () => {
    const a = resolveIdentityMaterial({ AWS_PROFILE: 'dev' }, homeWith(CONFIG), hostFs());
    const b = resolveIdentityMaterial(
      { AWS_PROFILE: 'dev' },
      homeWith(CONFIG.replace('AKIABASE000000000001', 'AKIABASE000000000002')),
      hostFs(),
    );
    expect(a).not.toBe(b);
  });

  it('follows sso_session', () => {
    const a = resolveIdentityMaterial({ AWS_PROFILE: 'sso' }, homeWith(CONFIG), hostFs());
    const b = resolveIdentityMaterial({ AWS_PROFILE: 'sso' }, homeWith(CONFIG.replace('corp.awsapps.com', 'other.awsapps.com')), hostFs());
    expect(a).not.toBe(b);
  });

  it('ignores unrelated profiles', () => {
    const a = resolveIdentityMaterial({ AWS_PROFILE: 'dev' }, homeWith(CONFIG), hostFs());
    const b = resolveIdentityMaterial({ AWS_PROFILE: 'dev' }, homeWith(CONFIG.replace('role/prod', 'role/prod2')), hostFs());
    expect(a).toBe(b);
  });

  it('includes the credentials file section of the profile', () => {
    const a = resolveIdentityMaterial({}, homeWith(CONFIG, '[default]\naws_access_key_id = AKIAONE0000000000001\n'), hostFs());
    const b = resolveIdentityMaterial({}, homeWith(CONFIG, '[default]\naws_access_key_id = AKIATWO0000000000002\n'), hostFs());
    expect(a).not.toBe(b);
  });

  it('distinguishes env keys, web identity roles and endpoints', () => {
    const home = homeWith('');
    const variants = [
      {},
      { AWS_ACCESS_KEY_ID: 'AKIA1' },
      { AWS_ACCESS_KEY_ID: 'AKIA2' },
      { AWS_ROLE_ARN: 'arn:aws:iam::1:role/a', AWS_WEB_IDENTITY_TOKEN_FILE: '/t' },
      { AWS_ROLE_ARN: 'arn:aws:iam::1:role/b', AWS_WEB_IDENTITY_TOKEN_FILE: '/t' },
      { AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:1' },
    ];
    const materials = new Set(variants.map((env) => resolveIdentityMaterial(env, home, hostFs())));
    expect(materials.size).toBe(variants.length);
  });

  it('works without any AWS files', () => {
    expect(resolveIdentityMaterial({}, makeTempDir(), hostFs())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is a digest: no key, secret or profile content leaves the function', () => {
    const home = homeWith(CONFIG, '[base]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    const material = resolveIdentityMaterial({ AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'AKIAENVKEY0000000001' }, home, hostFs());
    expect(material).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads AWS_SHARED_CREDENTIALS_FILE spelled ~/… from the home directory, as the SDK does', () => {
    const home = makeTempDir();
    fs.writeFileSync(path.join(home, 'creds'), '[default]\naws_access_key_id = AKIAFIRST00000000001\n');
    const first = resolveIdentityMaterial({ AWS_SHARED_CREDENTIALS_FILE: '~/creds' }, home, hostFs());
    fs.writeFileSync(path.join(home, 'creds'), '[default]\naws_access_key_id = AKIASECOND0000000002\n');
    expect(resolveIdentityMaterial({ AWS_SHARED_CREDENTIALS_FILE: '~/creds' }, home, hostFs())).not.toBe(first);
  });
});
