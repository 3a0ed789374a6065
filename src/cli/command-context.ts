import type { ActionIo } from '../protocol/docker/handle-command';
import type { HelperServices } from '../services';

/** What a command gets: the services, its standard input, where its output goes. */
export interface CommandContext extends ActionIo {
  readonly services: HelperServices;
  readonly version: string;
  /** This program's file (the `bin/` launcher, or the executable), when known: `configure` and `doctor` name its directory. */
  readonly programFile?: string | undefined;
  /** The process's platform and its user's uid (POSIX): where files are, whose they must be. */
  readonly platform: NodeJS.Platform;
  readonly uid: number | undefined;
  /** The process's environment, for what a command starts (doctor --kubelet: kubelet's providers inherit it). */
  readonly env?: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (`doctor` colours its report only then); asked only when needed. */
  readonly isTerminal?: () => boolean;
}
