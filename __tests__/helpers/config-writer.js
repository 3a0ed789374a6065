'use strict';
// Another program rewriting a docker config while `configure` runs, for
// __tests__/integration/configure-races.test.ts. Run as `node config-writer.js FILE MODE PAUSE_MS GAP_MS`;
// each cycle reads FILE and writes back what it read (as a tool that edits one key would),
// then waits GAP_MS. MODE says how it writes:
//   in-place  opens FILE for writing (truncating it: editors, scripts and some tools do), waits
//             PAUSE_MS with the file empty, then writes; a reader in between sees an empty file
//   atomic    writes a temp file beside it and renames it over FILE (as `docker login` does)
// It prints "ready" as its first cycle starts (a configure started then meets the first pause);
// when its stdin ends it finishes the cycle under way, prints how many it made and exits. Each
// cycle leaves FILE complete.
const fs = require('node:fs');

const [file = '', mode = '', pauseText = '0', gapText = '0'] = process.argv.slice(2);
const pauseMs = Number(pauseText);
const gapMs = Number(gapText);
const wait = (ms) => new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

let stopping = false;
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => {
  stopping = true;
});

async function cycle() {
  const text = fs.readFileSync(file);
  if (mode === 'in-place') {
    const fd = fs.openSync(file, 'w');
    if (pauseMs > 0) await wait(pauseMs);
    fs.writeSync(fd, text);
    fs.closeSync(fd);
  } else if (mode === 'atomic') {
    const temp = `${file}.writer-temp`;
    fs.writeFileSync(temp, text, { mode: 0o600 });
    fs.renameSync(temp, file);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

(async () => {
  let cycles = 0;
  process.stdout.write('ready\n');
  for (;;) {
    await cycle();
    cycles += 1;
    if (stopping) break;
    await wait(gapMs);
  }
  process.stdout.write(`${cycles} cycles\n`);
})();
