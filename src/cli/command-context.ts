import type { HelperServices } from '../resolver/helper-services';

/** What every command gets: the services, its standard input, and where its output goes. */
export interface CommandContext {
  readonly services: HelperServices;
  readonly readInput: () => Promise<string>;
  /** Sets the protocol output; written to stdout once, after success. */
  readonly output: (text: string) => void;
  readonly version: string;
}
