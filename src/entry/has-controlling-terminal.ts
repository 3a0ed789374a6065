import { closeSync, constants, openSync } from 'node:fs';

/**
 * Whether this process has a controlling terminal: `/dev/tty` opens only then (ENXIO
 * otherwise). It is inherited from the shell that started the client, even when the helper's
 * own standard streams are pipes, as they always are under docker. Non-blocking, and the
 * descriptor is closed at once: nothing is read or written.
 */
export function hasControllingTerminal(open: typeof openSync = openSync): boolean {
  try {
    closeSync(open('/dev/tty', constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}
