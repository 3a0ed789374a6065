/**
 * The parts of the AWS SDK the helper uses, in one module so that the build can put them —
 * and only them — in a chunk of their own (`dist/vendor-aws-sdk.js`), loaded on a cache miss.
 * Nothing of ours belongs here: our code would then exist twice, once in each bundle.
 */
export { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
export { ECRPUBLICClient, GetAuthorizationTokenCommand as GetPublicAuthorizationTokenCommand } from '@aws-sdk/client-ecr-public';
