import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createInstanceMetadata } from './instance-metadata';
import { type KnownCredential, verifySigV4 } from './sigv4-verifier';
import { createServiceAccountTokens, type ServiceAccountTokens } from './web-identity';

/**
 * A local stand-in for the AWS APIs the helper calls: ECR and ECR Public
 * `GetAuthorizationToken`, STS `AssumeRole`, `AssumeRoleWithWebIdentity` (tokens checked
 * against the emulator's own OIDC provider, web-identity.ts) and `GetCallerIdentity`, and EC2
 * instance metadata (instance-metadata.ts), and a registry's `GET /v2/` that accepts the tokens
 * it issued. Every signed request has its SigV4 signature
 * verified against the known test keys and the sessions the emulator issued; every call is
 * recorded (with the Host it arrived for); faults can be switched on. Point the SDK at it with
 * AWS_ENDPOINT_URL_ECR / _ECR_PUBLIC / _STS and AWS_EC2_METADATA_SERVICE_ENDPOINT, or serve it
 * over TLS where the real AWS host names lead to it (`tls`, the end-to-end suite).
 */

export const EMULATOR_ACCOUNT = '111122223333';

/** Static keys the emulator accepts. Not real AWS keys. */
export const TEST_CREDENTIALS = {
  allowed: {
    accessKeyId: 'AKIAEMULATORALLOWED1',
    secretAccessKey: 'emulatorAllowedSecretKey000000000000000001',
    principalArn: `arn:aws:iam::${EMULATOR_ACCOUNT}:user/emulator-user`,
  },
  /** Valid keys whose principal lacks ecr:GetAuthorizationToken. */
  denied: {
    accessKeyId: 'AKIAEMULATORDENIED01',
    secretAccessKey: 'emulatorDeniedSecretKey0000000000000000002',
    principalArn: `arn:aws:iam::${EMULATOR_ACCOUNT}:user/no-ecr-user`,
  },
} as const satisfies Record<string, KnownCredential>;

/** `registry`: the Docker registry API's version check, `GET /v2/` (what `doctor` probes). */
export type ServiceName = 'ecr' | 'ecr-public' | 'sts' | 'imds' | 'registry';

export interface RecordedCall {
  readonly service: ServiceName;
  readonly action: string;
  readonly accessKeyId: string | undefined;
  readonly region: string | undefined;
  /** The Host header the call arrived with: which endpoint the client chose. */
  readonly host: string | undefined;
  readonly registryIds: readonly string[];
  /** HTTP status answered. */
  readonly status: number;
  readonly at: number;
  /** AssumeRole / AssumeRoleWithWebIdentity: what was asked for, and (web identity) by whom. */
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  readonly subject?: string;
  /** AssumeRole: the ExternalId sent, if any. */
  readonly externalId?: string;
}

export interface EmulatorFaults {
  /** Answer every ECR/ECR Public token call with AccessDeniedException. */
  deny: boolean;
  /** Answer the next N token calls with ThrottlingException (large N: always). */
  throttleNext: number;
  /** Wait this long before answering token calls. */
  delayMs: number;
  /** Lifetime of issued tokens, seconds (ECR: 12 hours). */
  tokenLifetimeSeconds: number;
  /**
   * The emulator's clock runs this far ahead of real time (token expiry, signature time
   * checks, Date headers). Tests move it together with the helper's (see __tests__/helpers/preload/shift-clock.js).
   */
  clockOffsetMs: number;
  /** When not 0, the emulator's clock stands still at this epoch time (ms). */
  clockFrozenMs: number;
  /** The registry (`GET /v2/`) refuses every token, as a registry of another account would. */
  registryRejectTokens: boolean;
  /** Answer `AssumeRole` with AccessDenied, as STS does when the trust policy leaves the caller out. */
  denyAssumeRole: boolean;
  /**
   * Characters of base64 in each issued password (default 2,048). Real ECR passwords run from
   * ~1,800 to ~2,900: the long ones do not fit one Windows Credential Manager item.
   */
  passwordLength: number;
}

export interface IssuedToken {
  readonly registryId: string | undefined;
  readonly password: string;
  readonly expiresAt: Date;
  readonly accessKeyId: string;
  /** Who the token was issued to: the signing key's principal. */
  readonly principalArn: string;
}

export interface EcrEmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Address to listen on; 127.0.0.1 by default. */
  readonly host?: string;
  /**
   * Serve HTTPS with this certificate and key (PEM) instead of plain HTTP: for clients that
   * reach the emulator by the real AWS host names, with no endpoint override.
   */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /**
   * Every issued token carries this password instead of a random one, so that a real
   * registry can be configured (htpasswd) to accept the tokens the emulator hands out.
   */
  readonly registryPassword?: string;
  /**
   * Also serve everything (control paths included) as plain HTTP on this Unix socket: a test
   * outside the emulator's network namespace reaches `/_emulator/*` through it.
   */
  readonly controlSocket?: string;
}

export interface EcrEmulator {
  /** `http://127.0.0.1:<port>`, or `https://…` when serving TLS */
  readonly url: string;
  readonly calls: RecordedCall[];
  readonly issued: IssuedToken[];
  readonly faults: EmulatorFaults;
  /** Token calls received and not yet answered (e.g. held by `delayMs`). */
  readonly inFlight: () => number;
  /** Environment for a helper process that should talk to this emulator with `credential`. */
  env(credential?: KnownCredential): Record<string, string>;
  /**
   * Environment for a helper on an "EKS node": no keys, credentials from the emulator's
   * instance metadata (the node role's instance profile).
   */
  nodeEnv(): Record<string, string>;
  /** The cluster's OIDC provider: service account tokens and the roles that trust them. */
  readonly serviceAccounts: ServiceAccountTokens;
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_FAULTS: EmulatorFaults = {
  deny: false,
  throttleNext: 0,
  delayMs: 0,
  tokenLifetimeSeconds: 12 * 3600,
  clockOffsetMs: 0,
  clockFrozenMs: 0,
  registryRejectTokens: false,
  denyAssumeRole: false,
  passwordLength: 2048,
};
const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
const ECR_PUBLIC_TARGET = 'SpencerFrontendService.GetAuthorizationToken';

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function requestId(): string {
  return randomBytes(16).toString('hex');
}

export async function startEcrEmulator(options: EcrEmulatorOptions = {}): Promise<EcrEmulator> {
  const known = new Map<string, KnownCredential>(Object.values(TEST_CREDENTIALS).map((c) => [c.accessKeyId, c] as const));
  const calls: RecordedCall[] = [];
  const issued: IssuedToken[] = [];
  const faults: EmulatorFaults = { ...DEFAULT_FAULTS };
  let pending = 0;
  // Bumped by reset(): a request delayed across a reset belongs to an earlier test and is
  // dropped unanswered instead of being recorded in the next test's calls.
  let generation = 0;
  const now = (): number => faults.clockFrozenMs || Date.now() + faults.clockOffsetMs;
  const serviceAccounts = createServiceAccountTokens(now);

  const sendJson = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId(),
      date: new Date(now()).toUTCString(),
    });
    res.end(JSON.stringify(body));
  };
  const sendXml = (res: http.ServerResponse, status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId(), date: new Date(now()).toUTCString() });
    res.end(body);
  };
  const stsError = (code: string, message: string): string =>
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;

  const issueSession = (principalArn: string): KnownCredential => {
    const credential: KnownCredential = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(120).toString('base64'),
      principalArn,
    };
    known.set(credential.accessKeyId, credential);
    return credential;
  };
  const credentialsXml = (c: KnownCredential, expiration: Date): string =>
    `<Credentials><AccessKeyId>${c.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(c.secretAccessKey)}</SecretAccessKey><SessionToken>${xmlEscape(c.sessionToken ?? '')}</SessionToken><Expiration>${expiration.toISOString()}</Expiration></Credentials>`;

  const instanceMetadata = createInstanceMetadata({
    now,
    issueSession,
    accountId: EMULATOR_ACCOUNT,
    record: (action, status) =>
      calls.push({
        service: 'imds',
        action,
        accessKeyId: undefined,
        region: undefined,
        host: undefined,
        registryIds: [],
        status,
        at: now(),
      }),
  });

  const handleControl = (req: http.IncomingMessage, res: http.ServerResponse, body: string): void => {
    if (req.url === '/_emulator/calls') {
      sendJson(res, 200, { calls, issued: issued.length });
      return;
    }
    if (req.url === '/_emulator/reset' && req.method === 'POST') {
      emulator.reset();
      sendJson(res, 200, {});
      return;
    }
    if (req.url === '/_emulator/faults' && req.method === 'POST') {
      const update: unknown = JSON.parse(body || '{}');
      if (typeof update === 'object' && update !== null) {
        for (const key of Object.keys(DEFAULT_FAULTS) as (keyof EmulatorFaults)[]) {
          const value = (update as Record<string, unknown>)[key];
          if (typeof value === typeof DEFAULT_FAULTS[key]) (faults as unknown as Record<string, unknown>)[key] = value;
        }
      }
      sendJson(res, 200, faults);
      return;
    }
    if (req.url === '/_emulator/service-account' && req.method === 'POST') {
      // For a client outside this process: a service account token from the emulator's OIDC
      // provider, with `roleArn` trusting its subject.
      const fields: unknown = JSON.parse(body || '{}');
      const { subject, roleArn } = (typeof fields === 'object' && fields !== null ? fields : {}) as Record<string, unknown>;
      if (typeof subject !== 'string' || typeof roleArn !== 'string') {
        sendJson(res, 400, { message: 'subject and roleArn (strings) are required' });
        return;
      }
      serviceAccounts.trust(roleArn, subject);
      sendJson(res, 200, { token: serviceAccounts.issue(subject) });
      return;
    }
    sendJson(res, 404, { message: 'unknown emulator control path' });
  };

  /**
   * The registry's API version check, as ECR's registry answers it: 401 with a Basic challenge
   * without credentials or with a password the emulator did not issue (or that expired),
   * 200 `{}` with `AWS:<password>` of an issued, unexpired token.
   */
  const handleRegistry = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const basic = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const [user, password] = basic ? splitOnce(Buffer.from(basic, 'base64').toString('utf8'), ':') : [undefined, undefined];
    const accepted =
      !faults.registryRejectTokens &&
      user === 'AWS' &&
      issued.some((token) => token.password === password && token.expiresAt.getTime() > now());
    const status = accepted ? 200 : 401;
    calls.push({
      service: 'registry',
      action: 'Ping',
      accessKeyId: undefined,
      region: undefined,
      host: req.headers.host,
      registryIds: [],
      status,
      at: now(),
    });
    res.writeHead(status, {
      'content-type': 'application/json',
      'docker-distribution-api-version': 'registry/2.0',
      ...(accepted ? {} : { 'www-authenticate': `Basic realm="https://${req.headers.host ?? 'ecr'}/",service="ecr.amazonaws.com"` }),
    });
    res.end(
      accepted
        ? '{}'
        : JSON.stringify({ errors: [{ code: 'DENIED', message: 'Your authorization token has expired. Reauthenticate and try again.' }] }),
    );
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> => {
    if (req.url?.startsWith('/_emulator/')) return handleControl(req, res, body);
    if ((req.method === 'GET' || req.method === 'HEAD') && (req.url === '/v2/' || req.url === '/v2')) return handleRegistry(req, res);
    if (instanceMetadata(req, res)) return;
    const target = String(req.headers['x-amz-target'] ?? '');
    const service: ServiceName = target === ECR_TARGET ? 'ecr' : target === ECR_PUBLIC_TARGET ? 'ecr-public' : 'sts';
    const form = service === 'sts' ? new URLSearchParams(body) : undefined;
    const action = form ? (form.get('Action') ?? 'Unknown') : 'GetAuthorizationToken';
    let registryIds: string[] = [];
    if (service === 'ecr') {
      try {
        const parsed = JSON.parse(body) as { registryIds?: unknown };
        if (Array.isArray(parsed.registryIds)) registryIds = parsed.registryIds.map(String);
      } catch {
        // recorded with no ids; answered below
      }
    }
    const record = (status: number, accessKeyId?: string, region?: string, extra: Partial<RecordedCall> = {}): void => {
      calls.push({ service, action, accessKeyId, region, host: req.headers.host, registryIds, status, at: now(), ...extra });
    };

    // AssumeRoleWithWebIdentity is the one unsigned call: the web identity token is the proof.
    if (service === 'sts' && action === 'AssumeRoleWithWebIdentity') {
      const roleArn = form?.get('RoleArn') ?? '';
      const token = form?.get('WebIdentityToken') ?? '';
      const session = form?.get('RoleSessionName') ?? '';
      if (!/^arn:aws:iam::\d{12}:role\/.+/.test(roleArn) || !/^[\w+=,.@-]{2,64}$/.test(session)) {
        record(400, undefined, undefined, { roleArn, roleSessionName: session });
        return sendXml(res, 400, stsError('ValidationError', 'RoleArn or RoleSessionName is not valid'));
      }
      const verdict = serviceAccounts.verify(token, roleArn, now());
      if (!verdict.ok) {
        const status = verdict.code === 'AccessDenied' ? 403 : 400;
        record(status, undefined, undefined, { roleArn, roleSessionName: session });
        return sendXml(res, status, stsError(verdict.code, verdict.message));
      }
      const arn = `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${session}`;
      const credential = issueSession(arn);
      record(200, undefined, undefined, { roleArn, roleSessionName: session, subject: verdict.subject });
      return sendXml(
        res,
        200,
        `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>${credentialsXml(credential, new Date(now() + 3600_000))}<AssumedRoleUser><Arn>${xmlEscape(arn)}</Arn><AssumedRoleId>AROAEMULATOR:${xmlEscape(session)}</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
      );
    }

    const verified = await verifySigV4(
      { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
      (id) => known.get(id),
      new Date(now()),
    );
    if (!verified.ok) {
      const status = verified.code === 'MissingAuthenticationToken' ? 403 : verified.code === 'UnrecognizedClient' ? 403 : 403;
      record(status);
      if (service === 'sts') {
        const code = verified.code === 'UnrecognizedClient' ? 'InvalidClientTokenId' : verified.code;
        return sendXml(res, status, stsError(code, verified.message));
      }
      const type =
        verified.code === 'UnrecognizedClient'
          ? 'UnrecognizedClientException'
          : verified.code === 'SignatureDoesNotMatch'
            ? 'InvalidSignatureException'
            : verified.code;
      return sendJson(res, status, { __type: type, message: verified.message });
    }
    const { credential, region, service: signedService } = verified.request;
    if (signedService !== service) {
      record(403, credential.accessKeyId, region);
      return sendJson(res, 403, {
        __type: 'InvalidSignatureException',
        message: `Credential should be scoped to correct service: '${service}'.`,
      });
    }

    if (service === 'sts') {
      if (action === 'GetCallerIdentity') {
        record(200, credential.accessKeyId, region);
        return sendXml(
          res,
          200,
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${xmlEscape(credential.principalArn)}</Arn><UserId>AIDAEMULATOR</UserId><Account>${EMULATOR_ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
      }
      if (action === 'AssumeRole') {
        const roleArn = form?.get('RoleArn') ?? '';
        const session = form?.get('RoleSessionName') ?? 'session';
        const externalId = form?.get('ExternalId') ?? undefined;
        const asked = { roleArn, roleSessionName: session, ...(externalId === undefined ? {} : { externalId }) };
        if (!/^arn:aws:iam::\d{12}:role\/.+/.test(roleArn)) {
          record(400, credential.accessKeyId, region, asked);
          return sendXml(res, 400, stsError('ValidationError', 'RoleArn is not a role ARN'));
        }
        if (faults.denyAssumeRole) {
          record(403, credential.accessKeyId, region, asked);
          return sendXml(
            res,
            403,
            stsError(
              'AccessDenied',
              `User: ${credential.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
            ),
          );
        }
        const arn = `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${session}`;
        const issuedCredential = issueSession(arn);
        record(200, credential.accessKeyId, region, asked);
        return sendXml(
          res,
          200,
          `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>${credentialsXml(issuedCredential, new Date(now() + 3600_000))}<AssumedRoleUser><Arn>${xmlEscape(arn)}</Arn><AssumedRoleId>AROAEMULATOR:${xmlEscape(session)}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        );
      }
      record(400, credential.accessKeyId, region);
      return sendXml(res, 400, stsError('InvalidAction', `Action ${action} is not supported by the emulator`));
    }

    // ECR and ECR Public GetAuthorizationToken.
    if (faults.delayMs > 0) {
      const started = generation;
      pending += 1;
      await new Promise((r) => setTimeout(r, faults.delayMs));
      if (generation !== started) {
        res.destroy();
        return;
      }
      pending -= 1;
    }
    if (faults.throttleNext > 0) {
      faults.throttleNext -= 1;
      record(400, credential.accessKeyId, region);
      return sendJson(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    }
    if (faults.deny || credential.accessKeyId === TEST_CREDENTIALS.denied.accessKeyId) {
      record(400, credential.accessKeyId, region);
      const act = service === 'ecr' ? 'ecr:GetAuthorizationToken' : 'ecr-public:GetAuthorizationToken';
      return sendJson(res, 400, {
        __type: 'AccessDeniedException',
        message: `User: ${credential.principalArn} is not authorized to perform: ${act} on resource: * because no identity-based policy allows the ${act} action`,
      });
    }
    if (service === 'ecr-public' && region !== 'us-east-1') {
      record(400, credential.accessKeyId, region);
      return sendJson(res, 400, { __type: 'UnsupportedCommandException', message: 'ECR Public tokens are only issued in us-east-1' });
    }
    const password =
      options.registryPassword ??
      randomBytes(Math.ceil((faults.passwordLength * 3) / 4))
        .toString('base64')
        .slice(0, faults.passwordLength);
    const expiresAt = new Date(now() + faults.tokenLifetimeSeconds * 1000);
    const registryId = service === 'ecr' ? (registryIds[0] ?? EMULATOR_ACCOUNT) : undefined;
    issued.push({ registryId, password, expiresAt, accessKeyId: credential.accessKeyId, principalArn: credential.principalArn });
    record(200, credential.accessKeyId, region);
    const authorizationToken = Buffer.from(`AWS:${password}`).toString('base64');
    if (service === 'ecr-public') {
      return sendJson(res, 200, { authorizationData: { authorizationToken, expiresAt: expiresAt.getTime() / 1000 } });
    }
    return sendJson(res, 200, {
      authorizationData: [
        {
          authorizationToken,
          expiresAt: expiresAt.getTime() / 1000,
          proxyEndpoint: `https://${registryId}.dkr.ecr.${region}.amazonaws.com`,
        },
      ],
    });
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        sendJson(res, 500, { __type: 'InternalFailure', message: String(error) });
      });
    });
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 1000;
  const listenAddress = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, listenAddress, resolve);
  });
  const control = options.controlSocket ? http.createServer(listener) : undefined;
  if (control && options.controlSocket) {
    const socketPath = options.controlSocket;
    await new Promise<void>((resolve, reject) => {
      control.once('error', reject);
      control.listen(socketPath, resolve);
    });
  }
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://${listenAddress.includes(':') ? `[${listenAddress}]` : listenAddress}:${port}`;

  const emulator: EcrEmulator = {
    url,
    calls,
    issued,
    faults,
    inFlight: () => pending,
    env(credential = TEST_CREDENTIALS.allowed) {
      return {
        AWS_ENDPOINT_URL_ECR: url,
        AWS_ENDPOINT_URL_ECR_PUBLIC: url,
        AWS_ENDPOINT_URL_STS: url,
        AWS_ACCESS_KEY_ID: credential.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credential.secretAccessKey,
        ...(credential.sessionToken ? { AWS_SESSION_TOKEN: credential.sessionToken } : {}),
        // Never probe the real instance metadata address from tests.
        AWS_EC2_METADATA_DISABLED: 'true',
      };
    },
    nodeEnv() {
      return {
        AWS_ENDPOINT_URL_ECR: url,
        AWS_ENDPOINT_URL_ECR_PUBLIC: url,
        AWS_ENDPOINT_URL_STS: url,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: url,
      };
    },
    serviceAccounts,
    reset() {
      generation += 1;
      serviceAccounts.reset();
      pending = 0;
      calls.length = 0;
      issued.length = 0;
      Object.assign(faults, DEFAULT_FAULTS);
    },
    close: async () => {
      const closing = [server, ...(control ? [control] : [])].map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      );
      await Promise.all(closing);
    },
  };
  return emulator;
}
