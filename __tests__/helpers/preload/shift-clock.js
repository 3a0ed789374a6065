'use strict';
// Test preload (NODE_OPTIONS=--require; BUN_OPTIONS=--preload for the executable): this
// process's clock runs TEST_CLOCK_OFFSET_MS ahead of real time, or stands still at
// TEST_CLOCK_FROZEN_MS. The helper reads time through Date.now only (main's `now`, the SDK's
// signer), so moving Date.now moves all of its clocks.
// Used with the emulator's clockOffsetMs / clockFrozenMs through helpers/preload/env.ts.
const offset = Number(process.env.TEST_CLOCK_OFFSET_MS || 0);
const frozen = Number(process.env.TEST_CLOCK_FROZEN_MS || 0);
const realNow = Date.now;
Date.now = frozen ? () => frozen : () => realNow() + offset;
