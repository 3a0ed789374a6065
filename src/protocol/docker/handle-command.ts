import type { HelperServices } from '../../services';
import { eraseCredentials, getCredentials, listCredentials, storeCredentials } from './actions';
import { formatVersion } from './credentials';

/** The actions of the docker credential-helper protocol: `docker-credential-ecr-login <action>`. */
const DOCKER_ACTIONS = ['get', 'store', 'erase', 'list', 'version'] as const;
export type DockerAction = (typeof DOCKER_ACTIONS)[number];

export function isDockerAction(value: string): value is DockerAction {
  return (DOCKER_ACTIONS as readonly string[]).includes(value);
}

/** Standard input and output of one request, as the command line gives them. */
export interface ActionIo {
  /** Standard input as text; `firstLineOnly` for a one-line request (a server URL). */
  readonly readInput: (options?: { readonly firstLineOnly?: boolean }) => Promise<string>;
  /** Sets the protocol output; written to stdout once, after success. */
  readonly output: (text: string) => void;
}

/**
 * The one dispatch of the protocol's actions (docker-credential-helpers' `HandleCommand`),
 * whichever way the command line reached it. `list` and `version` read no input: clients
 * (regclient) call `list` with stdin closed or empty.
 */
export async function handleDockerAction(action: DockerAction, io: ActionIo, services: HelperServices, version: string): Promise<void> {
  switch (action) {
    case 'get':
      return io.output(await getCredentials(await io.readInput({ firstLineOnly: true }), services));
    case 'store':
      return io.output(await storeCredentials(await io.readInput(), services));
    case 'erase':
      return io.output(await eraseCredentials(await io.readInput({ firstLineOnly: true }), services));
    case 'list':
      return io.output(await listCredentials(services));
    case 'version':
      return io.output(formatVersion(version));
  }
}
