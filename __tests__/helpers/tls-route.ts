import * as fs from 'node:fs';
import { type EcrEmulator, startEcrEmulator } from '../../emulator/ecr-emulator';
import { startConnectProxy } from './connect-proxy';
import { createTestCa } from './e2e/test-ca';

/** Where the AWS SDKs send GetAuthorizationToken for us-east-1 without an endpoint setting. */
export const ECR_API_HOST = 'api.ecr.us-east-1.amazonaws.com';

/** An emulator reached as on a corporate network (see `startTlsRoute`). */
export interface TlsRoute {
  /** The emulator, serving TLS for `ECR_API_HOST` with a certificate of the test CA. */
  readonly emulator: EcrEmulator;
  /** The CONNECT proxy that leads every tunnel to it (`HTTPS_PROXY`), and the tunnels asked for. */
  readonly proxy: { readonly url: string; readonly tunnels: string[] };
  /** The test CA's certificate (PEM file): what `NODE_EXTRA_CA_CERTS` or `AWS_CA_BUNDLE` names. */
  readonly caFile: string;
  /**
   * The emulator's keys without its endpoint settings, instance metadata off: the SDK then
   * calls AWS's own endpoint, which the proxy leads here. Add the proxy and the CA to use it.
   */
  keysEnv(): Record<string, string>;
  close(): Promise<void>;
}

/**
 * The real endpoint name, HTTPS and a proxy, without touching /etc/hosts or the system's CAs:
 * an emulator serving TLS with a certificate for `ECR_API_HOST` from a throwaway CA (openssl),
 * and a CONNECT proxy that leads every tunnel to it, as an /etc/hosts entry would. How the
 * benchmark reaches the Go helper (which has no endpoint setting), and how tests send ours
 * through a proxy to an HTTPS endpoint. Throws when openssl is missing.
 */
export async function startTlsRoute(dir: string): Promise<TlsRoute> {
  const ca = createTestCa(dir, [ECR_API_HOST]);
  const emulator = await startEcrEmulator({ tls: { cert: fs.readFileSync(ca.certFile), key: fs.readFileSync(ca.keyFile) } });
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  try {
    proxy = await startConnectProxy({ upstream: { host: '127.0.0.1', port: Number(new URL(emulator.url).port) } });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return {
    emulator,
    proxy,
    caFile: ca.caFile,
    keysEnv: () => {
      const { AWS_ACCESS_KEY_ID = '', AWS_SECRET_ACCESS_KEY = '' } = emulator.env();
      return { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_EC2_METADATA_DISABLED: 'true' };
    },
    close: async () => {
      try {
        await proxy.close();
      } finally {
        await emulator.close();
      }
    },
  };
}
