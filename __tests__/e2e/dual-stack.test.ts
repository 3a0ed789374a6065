import { EMULATOR_ACCOUNT } from '../../emulator/ecr-emulator';
import { describeEndToEnd, findSkopeo } from '../helpers/e2e/requirements';
import { DUAL_STACK_REGISTRY, REPOSITORY, TAG, useWorld } from '../helpers/e2e/world';

/*
 * Dual-stack without a switch (issue 22.3), end to end: a client that pulls by ECR's dual-stack
 * registry name (`<account>.dkr-ecr.<region>.on.aws`, the name an IPv6-only node has to use)
 * makes the helper fetch its token from ECR's dual-stack API name (`ecr.<region>.api.aws`), and
 * assume its roles at STS's (`sts.<region>.api.aws`), by the SDK's own endpoint rules: no
 * endpoint override and no AWS_USE_DUALSTACK_ENDPOINT anywhere. The namespace's /etc/hosts
 * sends both the IPv4-only and the dual-stack API names to the emulator, which records the
 * name each call came by (helpers/e2e/world.ts).
 */

const GROUP = 'credentialprovider.kubelet.k8s.io';
const SKOPEO = findSkopeo();
const IMAGE = `${DUAL_STACK_REGISTRY}/${REPOSITORY}:${TAG}`;

describeEndToEnd('end to end: a dual-stack registry name gets its token from the dual-stack API names', () => {
  const world = useWorld();
  const skopeo = (env: Record<string, string>, ...args: string[]) =>
    world().run(SKOPEO?.file ?? 'skopeo', [...world().skopeoOptions, ...args], { env });
  /** No variable that could choose an endpoint: the registry's name alone must. */
  const cleanEnv = (home: string, options?: Parameters<ReturnType<typeof world>['env']>[1]) => {
    const env = world().env(home, options);
    expect(Object.keys(env).filter((name) => /ENDPOINT|DUALSTACK|^AWS_REGION|^AWS_PROFILE/.test(name))).toEqual([]);
    return env;
  };

  it('skopeo copy pushes and skopeo inspect reads by the dual-stack name; the one token came from ecr.us-east-1.api.aws', async () => {
    const env = cleanEnv(world().newHome());
    const push = await skopeo(env, 'copy', '--preserve-digests', `oci:${world().layoutDir}:${TAG}`, `docker://${IMAGE}`);
    expect(push).toMatchObject({ code: 0, timedOut: false });
    const inspect = await skopeo(env, 'inspect', `docker://${IMAGE}`);
    expect(inspect).toMatchObject({ code: 0 });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ Digest: world().image.digest });
    expect(await world().calls()).toEqual([
      expect.objectContaining({
        service: 'ecr',
        action: 'GetAuthorizationToken',
        host: 'ecr.us-east-1.api.aws',
        region: 'us-east-1',
        registryIds: [EMULATOR_ACCOUNT],
        status: 200,
      }),
    ]);
  });

  it('kubelet service-account mode: the role is assumed at sts.us-east-1.api.aws, the token comes from ecr.us-east-1.api.aws', async () => {
    const role = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/e2e-puller`;
    const subject = 'system:serviceaccount:e2e:puller';
    const token = await world().serviceAccountToken(subject, role);
    const out = await world().run('ecr-credential-provider', ['get-credentials'], {
      env: cleanEnv(world().newHome({ credHelpers: false }), { credential: null }),
      input: JSON.stringify({
        kind: 'CredentialProviderRequest',
        apiVersion: `${GROUP}/v1`,
        image: `${DUAL_STACK_REGISTRY}/${REPOSITORY}`,
        serviceAccountToken: token,
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': role },
      }),
    });
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout).auth[DUAL_STACK_REGISTRY]).toEqual({ username: 'AWS', password: world().registryPassword });
    expect(await world().calls()).toEqual([
      expect.objectContaining({ service: 'sts', action: 'AssumeRoleWithWebIdentity', host: 'sts.us-east-1.api.aws', status: 200 }),
      expect.objectContaining({ service: 'ecr', host: 'ecr.us-east-1.api.aws', accessKeyId: expect.stringMatching(/^ASIA/), status: 200 }),
    ]);
  });

  it('doctor names the dual-stack endpoints it actually called', async () => {
    const out = await world().run('docker-credential-ecr-login', ['doctor', DUAL_STACK_REGISTRY, '--json'], {
      env: cleanEnv(world().newHome()),
    });
    const report = JSON.parse(out.stdout) as { checks: { name: string; status: string; detail: string }[] };
    const check = (name: string) => report.checks.find((c) => c.name === name);
    expect(check('ecr-token')).toMatchObject({
      status: 'OK',
      detail: expect.stringMatching(
        /^ecr:GetAuthorizationToken in us-east-1 gave a token from https:\/\/ecr\.us-east-1\.api\.aws, valid until /,
      ),
    });
    expect(check('sts-identity')).toMatchObject({
      status: 'OK',
      detail: expect.stringContaining('STS in us-east-1 at https://sts.us-east-1.api.aws)'),
    });
    expect(
      (await world().calls())
        .filter((c) => c.service !== 'registry')
        .map((c) => `${c.service} ${c.host}`)
        .sort(),
    ).toEqual(['ecr ecr.us-east-1.api.aws', 'sts sts.us-east-1.api.aws']);
  });
});
