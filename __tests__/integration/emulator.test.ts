import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import aws4 from 'aws4';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { useEmulator } from '../helpers/emulator-fixture';

const emulator = useEmulator();

const TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';

async function signedRequest(body: string, secret: string = TEST_CREDENTIALS.allowed.secretAccessKey, service = 'ecr') {
  const url = new URL(emulator.url);
  const signer = new SignatureV4({
    credentials: { accessKeyId: TEST_CREDENTIALS.allowed.accessKeyId, secretAccessKey: secret },
    region: 'us-east-1',
    service,
    sha256: Sha256,
  });
  return signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET },
    body,
  });
}

async function send(request: Awaited<ReturnType<typeof signedRequest>>, body = String(request.body)) {
  const res = await fetch(emulator.url, { method: 'POST', headers: request.headers, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('ECR emulator signature verification', () => {
  const body = JSON.stringify({ registryIds: ['123456789012'] });

  it('accepts a correctly signed request and records it', async () => {
    const res = await send(await signedRequest(body));
    expect(res.status).toBe(200);
    expect(emulator.calls).toEqual([expect.objectContaining({ service: 'ecr', status: 200, registryIds: ['123456789012'] })]);
  });

  it('rejects a request whose body was changed after signing', async () => {
    const res = await send(await signedRequest(body), JSON.stringify({ registryIds: ['999999999999'] }));
    expect(res).toMatchObject({ status: 403, json: { __type: 'InvalidSignatureException' } });
  });

  it('rejects a request signed with the wrong secret', async () => {
    const res = await send(await signedRequest(body, 'wrong-secret'));
    expect(res).toMatchObject({ status: 403, json: { __type: 'InvalidSignatureException' } });
  });

  it('rejects a request signed for another service', async () => {
    const res = await send(await signedRequest(body, undefined, 'ecr-public'));
    expect(res.status).toBe(403);
  });

  it('rejects an unsigned request', async () => {
    const res = await fetch(emulator.url, { method: 'POST', headers: { 'x-amz-target': TARGET }, body });
    expect(res.status).toBe(403);
    expect(emulator.issued).toHaveLength(0);
  });

  it('can be controlled over HTTP (for the demo and the benchmark)', async () => {
    const res = await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ deny: true, delayMs: 5 }) });
    expect(await res.json()).toMatchObject({ deny: true, delayMs: 5 });
    expect((await send(await signedRequest(body))).json).toMatchObject({ __type: 'AccessDeniedException' });
    const calls = (await (await fetch(`${emulator.url}/_emulator/calls`)).json()) as { calls: unknown[] };
    expect(calls.calls).toHaveLength(1);
  });
});

describe('requests signed by another SigV4 implementation (aws4), as real AWS takes them', () => {
  function signWithAws4(
    body: string,
    extraHeaders: Record<string, string> = {},
    secret: string = TEST_CREDENTIALS.allowed.secretAccessKey,
  ) {
    const url = new URL(emulator.url);
    const signed = aws4.sign(
      {
        host: url.host,
        path: '/',
        method: 'POST',
        service: 'ecr',
        region: 'eu-west-1',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET, ...extraHeaders },
        body,
      },
      { accessKeyId: TEST_CREDENTIALS.allowed.accessKeyId, secretAccessKey: secret },
    );
    return signed.headers as Record<string, string>;
  }
  const post = async (headers: Record<string, string>, body: string) => {
    const res = await fetch(emulator.url, { method: 'POST', headers, body });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const body = JSON.stringify({ registryIds: ['123456789012'] });

  it('accepts a request that signs no payload hash header (aws4 signs host, content-type, date and target only)', async () => {
    const headers = signWithAws4(body);
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('x-amz-content-sha256');
    const res = await post(headers, body);
    expect(res.status).toBe(200);
    expect(emulator.calls).toEqual([expect.objectContaining({ service: 'ecr', status: 200, region: 'eu-west-1' })]);
  });

  it('accepts an UNSIGNED-PAYLOAD request', async () => {
    const headers = signWithAws4(body, { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' });
    expect((await post(headers, body)).status).toBe(200);
  });

  it('still rejects a tampered body and a wrong secret', async () => {
    expect(await post(signWithAws4(body), JSON.stringify({ registryIds: ['999999999999'] }))).toMatchObject({
      status: 403,
      json: { __type: 'InvalidSignatureException' },
    });
    expect(await post(signWithAws4(body, {}, 'not-the-secret'), body)).toMatchObject({
      status: 403,
      json: { __type: 'InvalidSignatureException' },
    });
  });

  it('rejects a header changed after signing (it was signed)', async () => {
    const headers = signWithAws4(body);
    const changed = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, k.toLowerCase() === 'content-type' ? 'application/json' : v]),
    );
    expect(await post(changed, body)).toMatchObject({ status: 403, json: { __type: 'InvalidSignatureException' } });
  });
});
