/**
 * The parts of the AWS SDK the helper uses, in one module so that the build can put them —
 * and only them — in a chunk of their own (`dist/vendor-aws-sdk.js`), loaded on a cache miss.
 * Nothing of ours belongs here: our code would then exist twice, once in each bundle.
 */

// Node's own agents, for connections that need no proxy: required when a Node request handler
// is made. The executable sends with fetch where it can (create-request-handler.ts), and then
// loads node:http (~4 ms in Bun) only when the credential chain needs it (instance metadata,
// container credentials).
export const loadGlobalAgents = (): { http: import('node:http').Agent; https: import('node:https').Agent } => ({
  http: require('node:http').globalAgent,
  https: require('node:https').globalAgent,
});
// Bun's fetch, as the SDK's request handler (src/aws/create-request-handler.ts).
export const loadFetchHttpHandler = (): typeof import('@smithy/fetch-http-handler').FetchHttpHandler =>
  require('@smithy/fetch-http-handler').FetchHttpHandler;
export { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
// ECR Public only for a public registry; STS only for a registry's `roleArn` (AssumeRole) and
// `doctor` (GetCallerIdentity). Required when asked for, so that their modules (clients,
// schemas, endpoint rules) are initialised then and not with the chunk: a cold get of a
// private registry with static keys took ~5 ms less in the executable without them.
export const loadEcrPublic = (): typeof import('@aws-sdk/client-ecr-public') => require('@aws-sdk/client-ecr-public');
export const loadSts = (): typeof import('@aws-sdk/client-sts') => require('@aws-sdk/client-sts');
// The default credential chain, called explicitly so that it gets our logger and a deadline.
export { defaultProvider } from '@aws-sdk/credential-provider-node';
// What @aws-sdk/credential-providers' fromWebToken is built on; the default credential chain
// already bundles it (AWS_WEB_IDENTITY_TOKEN_FILE), so this adds nothing to the chunk.
export { fromWebToken } from '@aws-sdk/credential-provider-web-identity';
// Retries (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE): the SDK's own strategies, with our backoff, and
// its reader of the shared config files for a profile's max_attempts and retry_mode.
export { getProfileName, loadConfig } from '@smithy/core/config';
export { AdaptiveRetryStrategy, StandardRetryStrategy } from '@smithy/core/retry';
// Proxies for the AWS calls (the SDK for JavaScript ignores HTTPS_PROXY and NO_PROXY).
export const loadAgentBase = (): typeof import('agent-base').Agent => require('agent-base').Agent;
// The CONNECT tunnel only when a connection goes through a proxy: its module loads node:tls,
// assert and debug, ~2.7 ms of a cold get in the executable (BUN_OPTIONS=--cpu-prof-md).
export const loadHttpsProxyAgent = (): typeof import('https-proxy-agent').HttpsProxyAgent => require('https-proxy-agent').HttpsProxyAgent;
export { getProxyForUrl } from 'proxy-from-env';
