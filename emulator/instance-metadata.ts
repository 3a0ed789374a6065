import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';

/**
 * EC2 instance metadata (IMDSv2) as the AWS SDK reads an instance profile's credentials — what
 * an EKS node's kubelet plugin gets by default: a session token (PUT /latest/api/token), the
 * role name, then the role's temporary credentials. Point the SDK at it with
 * AWS_EC2_METADATA_SERVICE_ENDPOINT.
 */
export const NODE_ROLE = 'eks-node-role';

export interface SessionCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export function createInstanceMetadata(deps: {
  readonly now: () => number;
  /** Issues session credentials for a principal, known to the SigV4 verifier from then on. */
  readonly issueSession: (principalArn: string) => SessionCredential;
  readonly accountId: string;
  readonly record: (action: string, status: number) => void;
}): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const tokens = new Set<string>();
  const send = (res: http.ServerResponse, status: number, body: string, type = 'text/plain'): void => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };

  /** True if the request was for instance metadata (and has been answered). */
  return (req, res) => {
    const path = req.url ?? '';
    if (!path.startsWith('/latest/')) return false;
    if (req.method === 'PUT' && path === '/latest/api/token') {
      const token = randomBytes(24).toString('base64');
      tokens.add(token);
      deps.record('api/token', 200);
      send(res, 200, token);
      return true;
    }
    const action = path.replace(/^\/latest\/meta-data\//, '');
    if (!tokens.has(String(req.headers['x-aws-ec2-metadata-token'] ?? ''))) {
      deps.record(action, 401);
      send(res, 401, '');
      return true;
    }
    const credentials = /^iam\/security-credentials(-extended)?\/(.*)$/.exec(action);
    if (!credentials) {
      deps.record(action, 404);
      send(res, 404, '');
      return true;
    }
    const [, extended, role] = credentials;
    if (role === '') {
      deps.record(action, 200);
      send(res, 200, NODE_ROLE);
      return true;
    }
    if (role !== NODE_ROLE) {
      deps.record(action, 404);
      send(res, 404, '');
      return true;
    }
    const session = deps.issueSession(`arn:aws:sts::${deps.accountId}:assumed-role/${NODE_ROLE}/i-0emulator0node0001`);
    deps.record(action, 200);
    send(
      res,
      200,
      JSON.stringify({
        Code: 'Success',
        LastUpdated: new Date(deps.now()).toISOString(),
        Type: 'AWS-HMAC',
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        Token: session.sessionToken,
        Expiration: new Date(deps.now() + 6 * 3600_000).toISOString(),
        ...(extended ? { AccountId: deps.accountId } : {}),
      }),
      'application/json',
    );
    return true;
  };
}
