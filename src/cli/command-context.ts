import type { ActionIo } from '../protocol/docker/handle-command';
import type { HelperServices } from '../services';

/** What a command gets: the services, its standard input, where its output goes. */
export interface CommandContext extends ActionIo {
  readonly services: HelperServices;
  readonly version: string;
}
