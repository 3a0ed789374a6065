import { constants, openSync } from 'node:fs';
import { devNull } from 'node:os';
import { hasControllingTerminal } from '../../../src/entry/has-controlling-terminal';

describe('hasControllingTerminal', () => {
  it('is true when /dev/tty opens: opened without blocking or becoming a controlling terminal', () => {
    const opened: [string, number][] = [];
    const open = ((file: string, flags: number) => {
      opened.push([file, flags]);
      return openSync(devNull, 'r');
    }) as typeof openSync;
    expect(hasControllingTerminal(open)).toBe(true);
    expect(opened).toEqual([['/dev/tty', constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK]]);
  });

  it('is false when it does not (ENXIO: the process has no controlling terminal)', () => {
    const open = (() => {
      throw Object.assign(new Error('ENXIO: no such device or address, open /dev/tty'), { code: 'ENXIO' });
    }) as typeof openSync;
    expect(hasControllingTerminal(open)).toBe(false);
  });
});
