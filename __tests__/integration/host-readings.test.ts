import { useEmulator } from '../helpers/emulator-fixture';
import { runHelper, runProvider } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * One strict reading of hosts: a server URL or image that WHATWG URL (what the helper's own
 * parser builds on), RFC 3986 or Go's net/url (what docker and skopeo use) would read as
 * different hosts, or that one of them refuses, gets no token through any door: docker `get`
 * answers not-found, `store` refuses it, `erase` finds nothing, a kubelet request fails; and
 * no AWS call is made. Several of these read, to WHATWG, as the ECR host below.
 */

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const NOT_FOUND = 'credentials not found in native keychain\n';
const emulator = useEmulator();

const FORMS: readonly (readonly [string, string])[] = [
  [`evil.example\\@${ECR}`, 'a backslash: WHATWG ends the authority at it (host evil.example), Go does not'],
  [`https:${ECR}`, 'no slashes after the scheme: WHATWG reads the host, Go a path'],
  [`https:/${ECR}`, 'one slash: the same'],
  [`https:///${ECR}`, 'three slashes: the same'],
  [`https://a@b@${ECR}`, 'two @: RFC 3986 refuses, WHATWG and Go take the last'],
  [ECR.replace('dkr', 'd\u212Ar'), 'the Kelvin sign, which WHATWG maps to k'],
  [ECR.replace('.com', '.c%6Fm'), 'percent-encoding in the host, which WHATWG decodes'],
  [ECR.replace('123456789012', '１２３４５６７８９０１２'), 'full-width digits, which WHATWG maps to ASCII'],
  [`${ECR}:0443`, 'a port with a leading zero'],
  ['0x7f.1:5000', 'a hexadecimal IPv4 form (127.0.0.1 to WHATWG)'],
  ['[0:0::1]:5000', 'an IPv6 literal not in canonical form'],
];

describe('forms the readers disagree about get nothing, through every door', () => {
  const env = () => ({ HOME: makeTempDir(), ...emulator.env() });

  it.each(FORMS)('docker get %j (%s): not-found, no AWS call', async (form) => {
    expect(await runHelper(['get'], form, env())).toMatchObject({ code: 1, stdout: NOT_FOUND });
    expect(emulator.calls).toEqual([]);
  });

  it.each(FORMS)('docker store %j (%s): refused as naming no registry host', async (form) => {
    const out = await runHelper(['store'], JSON.stringify({ ServerURL: form, Username: 'u', Secret: 's' }), env());
    expect(out).toMatchObject({ code: 1, stdout: 'invalid input: "ServerURL" names no registry host\n' });
    expect(emulator.calls).toEqual([]);
  });

  it.each(FORMS)('docker erase %j (%s): nothing found', async (form) => {
    expect(await runHelper(['erase'], form, env())).toMatchObject({ code: 1, stdout: NOT_FOUND });
  });

  it.each(FORMS)('kubelet request for %j/app (%s): exit 1, one line, nothing on stdout, no AWS call', async (form) => {
    const request = JSON.stringify({
      kind: 'CredentialProviderRequest',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      image: `${form}/app:1`,
    });
    const out = await runProvider(['get-credentials'], request, env());
    expect(out).toMatchObject({ code: 1, stdout: '' });
    expect(out.stderr).toMatch(/^ecr-credential-provider: invalid CredentialProviderRequest: image .* names no registry host\n$/);
    expect(emulator.calls).toEqual([]);
  });

  it(`the plain spelling of the same host gets its token (control)`, async () => {
    expect(await runHelper(['get'], `https://${ECR}/v2/`, env())).toMatchObject({ code: 0, stderr: '' });
    expect(emulator.calls).toHaveLength(1);
  });
});
