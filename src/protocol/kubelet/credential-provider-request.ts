import { InvalidInputError } from '../../errors';
import { object, optional, recordOf, ShapeError, string } from '../../json-shape';

/** kubelet's credential provider API group (k8s.io/kubelet pkg/apis/credentialprovider). */
const API_GROUP = 'credentialprovider.kubelet.k8s.io';
const API_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'] as const;

/** A CredentialProviderRequest, with what this provider reads from it. */
export interface CredentialProviderRequest {
  /** As sent, e.g. `credentialprovider.kubelet.k8s.io/v1`; the response uses the same. */
  readonly apiVersion: string;
  /** The image being pulled, without tag resolution: `<host>/<repo>[:tag|@digest]`. */
  readonly image: string;
  /** v1 only: the pod's projected service account token (kubelet's service-account mode). */
  readonly serviceAccountToken: string | undefined;
  /** v1 only: the annotations of the pod's service account that the config asked for. */
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
}

/** Unknown fields are ignored: kubelet adds fields over releases. */
const REQUEST = object({
  kind: optional(string, ''),
  apiVersion: optional(string, ''),
  image: optional(string, ''),
  serviceAccountToken: optional(string, ''),
  serviceAccountAnnotations: optional(recordOf(string), {}),
});

/** Reads the request kubelet writes on stdin; a request this provider cannot answer is an `InvalidInputError`. */
export function parseCredentialProviderRequest(input: string): CredentialProviderRequest {
  if (input.trim() === '') throw new InvalidInputError('invalid CredentialProviderRequest: standard input is empty');
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    throw new InvalidInputError('invalid CredentialProviderRequest: standard input is not JSON');
  }
  let request: ReturnType<typeof REQUEST>;
  try {
    request = REQUEST(value, '');
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new InvalidInputError(`invalid CredentialProviderRequest: ${error.message}`);
  }
  if (request.kind !== 'CredentialProviderRequest') {
    throw new InvalidInputError(
      `invalid CredentialProviderRequest: kind is ${JSON.stringify(request.kind)}, expected "CredentialProviderRequest"`,
    );
  }
  const version = API_VERSIONS.find((v) => request.apiVersion === `${API_GROUP}/${v}`);
  if (version === undefined) {
    throw new InvalidInputError(
      `invalid CredentialProviderRequest: apiVersion ${JSON.stringify(request.apiVersion)} is not supported; ` +
        `expected ${API_VERSIONS.map((v) => `${API_GROUP}/${v}`).join(', ')}`,
    );
  }
  if (request.image.trim() === '') throw new InvalidInputError('invalid CredentialProviderRequest: image is empty');
  // The service account fields exist only in v1.
  const v1 = version === 'v1';
  return {
    apiVersion: request.apiVersion,
    image: request.image.trim(),
    serviceAccountToken: v1 && request.serviceAccountToken !== '' ? request.serviceAccountToken : undefined,
    serviceAccountAnnotations: v1 ? request.serviceAccountAnnotations : {},
  };
}
