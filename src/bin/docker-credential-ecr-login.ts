import { homedir } from 'node:os';
import { run } from '../main';
import { createProcessIo } from './process-io';
import { version } from '../../package.json';

// The SDK warns about Node 20 on stderr; stderr is the user's terminal, and the warning is
// not theirs to act on here. Set before the SDK is loaded (it is loaded lazily).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

run(process.argv.slice(2), createProcessIo(), {
  env: process.env,
  homeDir: homedir(),
  version,
}).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.stdout.write('credentials not found in native keychain\n');
    process.exitCode = 1;
  },
);
