import { openNonBlockingStdin } from '../../../src/entry/process-io';

/*
 * Standard input is reopened non-blocking only where the reopening is a descriptor of its own
 * (Linux). On macOS, /dev/stdin is a dup of fd 0 that ignores O_NONBLOCK, so polling it would
 * block the process past its deadlines; Windows has no /dev/stdin. Both use the stream.
 */
describe('openNonBlockingStdin', () => {
  it.each(['darwin', 'win32', 'freebsd'] as const)('on %s: not reopened (the stream is used)', (platform) => {
    expect(openNonBlockingStdin(platform, { O_NONBLOCK: 0o4000 })).toBeUndefined();
  });

  it('without O_NONBLOCK (as on Windows): not reopened, even on Linux', () => {
    expect(openNonBlockingStdin('linux', {})).toBeUndefined();
  });
});
