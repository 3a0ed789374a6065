import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EMULATOR_ACCOUNT, TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { type Client, describeEndToEnd, findDockerClis, findSkopeo, SYSTEM_CA_BUNDLE } from '../helpers/e2e/requirements';
import { CN_REGISTRY, PUBLIC_REGISTRY, REGISTRY, REPOSITORY, TAG, useWorld } from '../helpers/e2e/world';
import { startSilentUnixSocket } from '../helpers/silent-server';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * End to end with real clients: skopeo, the docker CLI and a kubelet-style request, a real
 * registry (docker-registry, htpasswd auth, TLS) under the real ECR host names, and the helper
 * finding the AWS APIs by their real names (the SDK's own endpoint rules, no endpoint
 * override), all inside a private network and mount namespace (helpers/e2e/). The first test
 * pushes the image the others read (each pushes it itself if that one did not run).
 *
 * The docker tests run with every docker CLI the machine has (helpers/e2e/requirements.ts:
 * Debian's docker.io 20.10 in /usr/bin and a current one in /usr/local/bin, say), each by its
 * full path, and read the image as `docker push` writes it (Docker's v2 schema 2 manifest):
 * docker 20.10's `manifest inspect` does not ask for OCI manifests, and the registry answers
 * it "OCI manifest found, but accept header does not support OCI manifests".
 */

const GROUP = 'credentialprovider.kubelet.k8s.io';
const ROLE_ANNOTATION = 'eks.amazonaws.com/ecr-role-arn';
const NOT_FOUND = 'credentials not found in native keychain\n';
const imageRef = (registry: string): string => `${registry}/${REPOSITORY}:${TAG}`;
/** The same image as `docker push` writes it: a Docker v2 schema 2 manifest. */
const DOCKER_FORMAT_REF = `${REGISTRY}/${REPOSITORY}:docker`;
const SKOPEO = findSkopeo();
const DOCKER_CLIS: readonly Client[] = findDockerClis();

// What the machine had before the suite: it must have it unchanged afterwards.
const machineBefore = () => ({
  hosts: fs.readFileSync('/etc/hosts', 'utf8'),
  caBundle: fs.existsSync(SYSTEM_CA_BUNDLE) ? fs.readFileSync(SYSTEM_CA_BUNDLE, 'utf8') : undefined,
  containersState: fs.existsSync('/var/lib/containers'),
});
const before = machineBefore();

/** What the helper says on the client's stderr when the keys may not get a token. */
const deniedLine = (principalArn: string): string =>
  `ecr-login: access denied for ${REGISTRY}: ${principalArn} is not allowed to call ecr:GetAuthorizationToken; grant it in an IAM policy (resource "*") or use another profile\n`;

describeEndToEnd('end to end: real clients, a real registry, AWS by its real names', () => {
  const world = useWorld();
  const skopeo = (env: Record<string, string>, ...args: string[]) =>
    world().run(SKOPEO?.file ?? 'skopeo', [...world().skopeoOptions, ...args], { env });
  const push = (env: Record<string, string>) =>
    skopeo(env, 'copy', '--preserve-digests', `oci:${world().layoutDir}:${TAG}`, `docker://${imageRef(REGISTRY)}`);
  // The tests that read the image push it first when the push test did not run (jest -t).
  let pushed = false;
  const ensurePushed = async (): Promise<void> => {
    if (pushed) return;
    const out = await push(world().env(world().newHome()));
    if (out.code !== 0) throw new Error(`could not push the test image: ${out.stderr}`);
    pushed = true;
    await world().reset();
  };
  // The Docker-format copy the docker tests read, and its digest (skopeo converts, so it is not the OCI one).
  let dockerFormatDigest: string | undefined;
  const ensureDockerFormatPushed = async (): Promise<string> => {
    await ensurePushed();
    if (dockerFormatDigest !== undefined) return dockerFormatDigest;
    const digestFile = path.join(makeTempDir(), 'digest');
    const out = await skopeo(
      world().env(world().newHome()),
      'copy',
      '--format',
      'v2s2',
      '--digestfile',
      digestFile,
      `oci:${world().layoutDir}:${TAG}`,
      `docker://${DOCKER_FORMAT_REF}`,
    );
    if (out.code !== 0) throw new Error(`could not push the Docker-format image: ${out.stderr}`);
    dockerFormatDigest = fs.readFileSync(digestFile, 'utf8').trim();
    await world().reset();
    return dockerFormatDigest;
  };
  // A client given credentials outright: a HOME with no client configuration, so no helper.
  const inspectWithCreds = (username: string, password: string) =>
    skopeo(
      world().env(world().newHome({ credHelpers: false })),
      'inspect',
      '--creds',
      `${username}:${password}`,
      `docker://${imageRef(REGISTRY)}`,
    );
  /** The helper asked ECR, at the registry's endpoint, and was refused every time. */
  const expectOnlyDeniedCalls = async (): Promise<void> => {
    const calls = await world().calls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.service === 'ecr' && c.host === 'api.ecr.us-east-1.amazonaws.com' && c.status === 400)).toBe(true);
  };
  const kubeletRequest = (fields: Record<string, unknown> = {}): string =>
    JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: `${GROUP}/v1`, image: imageRef(REGISTRY), ...fields });

  it('skopeo copy pushes an image through credHelpers, and skopeo inspect reads it back', async () => {
    const env = world().env(world().newHome());
    expect(Object.keys(env).filter((name) => /ENDPOINT|^AWS_ECR_|^AWS_REGION|^AWS_PROFILE/.test(name))).toEqual([]);

    expect(await push(env)).toMatchObject({ code: 0, timedOut: false });
    pushed = true;
    const inspect = await skopeo(env, 'inspect', `docker://${imageRef(REGISTRY)}`);
    expect(inspect).toMatchObject({ code: 0 });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ Digest: world().image.digest, Layers: [world().image.layerDigest] });

    // One token, from the real ECR API name, signed for the registry's region; inspect used the cache.
    expect(await world().calls()).toEqual([
      expect.objectContaining({
        service: 'ecr',
        action: 'GetAuthorizationToken',
        host: 'api.ecr.us-east-1.amazonaws.com',
        region: 'us-east-1',
        registryIds: [EMULATOR_ACCOUNT],
        accessKeyId: TEST_CREDENTIALS.allowed.accessKeyId,
        status: 200,
      }),
    ]);
  });

  // Every docker CLI found, by its full path; a placeholder row where none is (the suite then fails or skips before this runs).
  describe.each(DOCKER_CLIS.length > 0 ? DOCKER_CLIS : [{ file: 'docker', version: 'none found' }])('docker $version ($file)', (cli) => {
    it('manifest inspect (no daemon) reads the image through credHelpers', async () => {
      const digest = await ensureDockerFormatPushed();
      const env = world().env(world().newHome());
      const out = await world().run(cli.file, ['manifest', 'inspect', '--verbose', DOCKER_FORMAT_REF], { env });
      expect(out).toMatchObject({ code: 0 });
      expect(JSON.parse(out.stdout)).toMatchObject({ Descriptor: { digest } });
      expect(await world().calls()).toEqual([
        expect.objectContaining({ service: 'ecr', host: 'api.ecr.us-east-1.amazonaws.com', region: 'us-east-1', status: 200 }),
      ]);
    });

    it('denied keys: it fails, and the helper says why on its stderr', async () => {
      await ensureDockerFormatPushed();
      const denied = TEST_CREDENTIALS.denied;
      const env = world().env(world().newHome(), { credential: denied });
      const out = await world().run(cli.file, ['manifest', 'inspect', DOCKER_FORMAT_REF], { env });
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain(deniedLine(denied.principalArn));
      expect(out.stderr).toContain('no basic auth credentials');
      await expectOnlyDeniedCalls();
    });
  });

  it.each([
    [CN_REGISTRY, { service: 'ecr', host: 'api.ecr.cn-north-1.amazonaws.com.cn', region: 'cn-north-1', registryIds: [EMULATOR_ACCOUNT] }],
    [PUBLIC_REGISTRY, { service: 'ecr-public', host: 'api.ecr-public.us-east-1.amazonaws.com', region: 'us-east-1', registryIds: [] }],
  ])(
    '%s: the token comes from the API endpoint of its partition and service, and skopeo reads the image with it',
    async (registry, call) => {
      await ensurePushed();
      const env = world().env(world().newHome());
      const inspect = await skopeo(env, 'inspect', `docker://${imageRef(registry)}`);
      expect(inspect).toMatchObject({ code: 0 });
      expect(JSON.parse(inspect.stdout)).toMatchObject({ Digest: world().image.digest });
      expect(await world().calls()).toEqual([expect.objectContaining({ ...call, action: 'GetAuthorizationToken', status: 200 })]);
    },
  );

  it('kubelet: a CredentialProviderRequest for the image yields credentials the registry accepts', async () => {
    await ensurePushed();
    const out = await world().run('ecr-credential-provider', ['get-credentials'], {
      env: world().env(world().newHome({ credHelpers: false })),
      input: kubeletRequest(),
    });
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout)).toEqual({
      kind: 'CredentialProviderResponse',
      apiVersion: `${GROUP}/v1`,
      cacheKeyType: 'Registry',
      // Half the token's 12 hours, less the second the call may straddle.
      cacheDuration: expect.stringMatching(/^(6h0m0s|5h59m5\ds)$/),
      auth: { [REGISTRY]: { username: 'AWS', password: world().registryPassword } },
    });
    expect(await world().calls()).toEqual([
      expect.objectContaining({ service: 'ecr', host: 'api.ecr.us-east-1.amazonaws.com', region: 'us-east-1', status: 200 }),
    ]);

    // Those credentials alone, as kubelet hands them to the runtime.
    const { username, password } = JSON.parse(out.stdout).auth[REGISTRY] as { username: string; password: string };
    const inspect = await inspectWithCreds(username, password);
    expect(inspect).toMatchObject({ code: 0 });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ Digest: world().image.digest });
  });

  it('kubelet service-account mode: the role is assumed at the regional STS endpoint, and the registry accepts the result', async () => {
    await ensurePushed();
    const role = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/e2e-puller`;
    const subject = 'system:serviceaccount:e2e:puller';
    const token = await world().serviceAccountToken(subject, role);
    const out = await world().run('ecr-credential-provider', ['get-credentials'], {
      // No keys of the node's: the service account's role is all there is.
      env: world().env(world().newHome({ credHelpers: false }), { credential: null }),
      input: kubeletRequest({ serviceAccountToken: token, serviceAccountAnnotations: { [ROLE_ANNOTATION]: role } }),
    });
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const { username, password } = JSON.parse(out.stdout).auth[REGISTRY] as { username: string; password: string };
    expect(password).toBe(world().registryPassword);
    expect(await world().calls()).toEqual([
      expect.objectContaining({
        service: 'sts',
        action: 'AssumeRoleWithWebIdentity',
        host: 'sts.us-east-1.amazonaws.com',
        roleArn: role,
        subject,
        status: 200,
      }),
      expect.objectContaining({
        service: 'ecr',
        host: 'api.ecr.us-east-1.amazonaws.com',
        accessKeyId: expect.stringMatching(/^ASIA/),
        status: 200,
      }),
    ]);
    const inspect = await inspectWithCreds(username, password);
    expect(inspect).toMatchObject({ code: 0 });
  });

  it('the registry refuses anonymous clients and a password the emulator did not issue', async () => {
    await ensurePushed();
    const env = world().env(world().newHome({ credHelpers: false }));
    const anonymous = await skopeo(env, 'inspect', '--no-creds', `docker://${imageRef(REGISTRY)}`);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toContain('unauthorized: authentication required');
    const forged = await skopeo(env, 'inspect', '--creds', `AWS:${randomBytes(1536).toString('base64')}`, `docker://${imageRef(REGISTRY)}`);
    expect(forged.code).not.toBe(0);
    expect(forged.stderr).toContain('unauthorized: authentication required');
  });

  it('denied keys: skopeo fails, and the helper says why on its stderr', async () => {
    await ensurePushed();
    const denied = TEST_CREDENTIALS.denied;
    const env = world().env(world().newHome(), { credential: denied });
    const viaSkopeo = await skopeo(env, 'inspect', `docker://${imageRef(REGISTRY)}`);
    expect(viaSkopeo.code).not.toBe(0);
    expect(viaSkopeo.stderr).toContain(deniedLine(denied.principalArn));
    expect(viaSkopeo.stderr).toContain('unauthorized: authentication required');
    await expectOnlyDeniedCalls();
  });

  it('the helper verifies the endpoint: without the test CA it refuses the certificate and never sends the request', async () => {
    const home = world().newHome();
    const trusted = await world().run('docker-credential-ecr-login', ['get'], { env: world().env(home), input: REGISTRY });
    expect(trusted).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(trusted.stdout)).toEqual({ ServerURL: REGISTRY, Username: 'AWS', Secret: world().registryPassword });
    await world().reset();

    const untrusting = await world().run('docker-credential-ecr-login', ['get'], {
      env: world().env(world().newHome(), { ca: false }),
      input: REGISTRY,
    });
    expect(untrusting).toMatchObject({ code: 1, stdout: NOT_FOUND });
    // The emulator's certificate chains to the test CA, which this helper was not told to trust.
    expect(untrusting.stderr).toMatch(
      /unable to verify the first certificate|unable to get local issuer certificate|self[- ]signed certificate/,
    );
    expect(await world().calls()).toEqual([]);
  });

  describe('a keychain that never answers (a silent D-Bus peer), with the keychain backend', () => {
    let bus: { path: string; close: () => Promise<void> } | undefined;
    beforeAll(async () => {
      bus = await startSilentUnixSocket(path.join(makeTempDir(), 'silent-bus'));
    });
    afterAll(() => bus?.close());
    const silentEnv = (home: string) => ({
      ...world().env(home),
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${bus?.path}`,
      AWS_ECR_CACHE_BACKEND: 'keychain',
      AWS_ECR_COMMAND_TIMEOUT: '4',
    });

    // The helper answers with the token and exits 0; a status that is not 0 would make the
    // client print the helper's stdout, the token, in its error.
    it('skopeo inspect through credHelpers succeeds, and no token is anywhere in its output', async () => {
      await ensurePushed();
      const out = await skopeo(silentEnv(world().newHome()), 'inspect', `docker://${imageRef(REGISTRY)}`);
      expect(out).toMatchObject({ code: 0 });
      expect(`${out.stdout}${out.stderr}`).not.toContain(world().registryPassword.slice(0, 72));
    }, 30_000);

    it.each(DOCKER_CLIS.length > 0 ? DOCKER_CLIS : [{ file: 'docker', version: 'none found' }])(
      'docker $version through credsStore: manifest inspect succeeds, and no token is in its output',
      async (cli) => {
        const digest = await ensureDockerFormatPushed();
        const home = world().newHome({ credHelpers: false });
        fs.mkdirSync(path.join(home, '.docker'), { mode: 0o700 });
        fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ credsStore: 'ecr-login' }));
        const out = await world().run(cli.file, ['manifest', 'inspect', '--verbose', DOCKER_FORMAT_REF], { env: silentEnv(home) });
        expect(out).toMatchObject({ code: 0 });
        expect(JSON.parse(out.stdout)).toMatchObject({ Descriptor: { digest } });
        expect(`${out.stdout}${out.stderr}`).not.toContain(world().registryPassword.slice(0, 72));
      },
      30_000,
    );
  });

  it('nothing outside the namespace changed: the machine’s /etc/hosts, CA bundle and /var/lib/containers', () => {
    expect(machineBefore()).toEqual(before);
  });
});
