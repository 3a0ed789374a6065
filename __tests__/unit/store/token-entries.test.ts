import { MAX_ENTRIES, pruneEntries } from '../../../src/store/token-entries';
import type { CachedToken } from '../../../src/store/token-store';

/*
 * Which entries a write keeps. The cap must keep what can be used: an entry the resolver would
 * never trust (issued in the future after a clock correction, longer-lived than any token,
 * times no clock could have written) must never push out one it would.
 */

const NOW = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A token issued `issuedMs` from NOW that lives `lifetimeMs`. */
const entry = (issuedMs: number, lifetimeMs = 12 * HOUR): CachedToken => ({
  host: 'h.example',
  username: 'AWS',
  password: 'pw',
  issuedAt: NOW + issuedMs,
  expiresAt: NOW + issuedMs + lifetimeMs,
});

describe('pruneEntries', () => {
  it.each<[string, CachedToken | undefined]>([
    ['unreadable', undefined],
    ['expired', entry(-13 * HOUR)],
    ['longer-lived than a token can be (12 h + 10 min)', entry(-HOUR, 12 * HOUR + 11 * MINUTE)],
    ['expiring before it was issued', entry(HOUR, -30 * MINUTE)],
    ['issued further ahead than a token lives (no clock that fast caches anything)', entry(13 * HOUR)],
    ['issued in the year 2100', { ...entry(0), issuedAt: Date.UTC(2100, 0, 1), expiresAt: Date.UTC(2100, 0, 1) + 12 * HOUR }],
    ['issued at the epoch, expiring tomorrow', { ...entry(0), issuedAt: 0, expiresAt: NOW + 24 * HOUR }],
    ['with a NaN issue time', { ...entry(0), issuedAt: Number.NaN }],
    ['with an infinite expiry', { ...entry(0), expiresAt: Number.POSITIVE_INFINITY }],
  ])('drops an entry %s, however much room there is', (_what, token) => {
    expect(pruneEntries([['k', token]], NOW)).toEqual({ keep: [], drop: ['k'] });
  });

  it.each([
    ['issued an hour ago', entry(-HOUR)],
    ['issued up to a minute ahead (clocks of one machine agree that well)', entry(MINUTE)],
    ['issued 10 h ahead (written while the clock ran fast): kept while there is room', entry(10 * HOUR)],
    ['12 h + 10 min long', entry(-HOUR, 12 * HOUR + 10 * MINUTE)],
  ])('keeps an entry %s', (_what, token) => {
    expect(pruneEntries([['k', token]], NOW)).toEqual({ keep: [['k', token]], drop: [] });
  });

  it('at the cap, drops entries issued in the future before any plausible one, then the oldest plausible', () => {
    const future = Array.from({ length: MAX_ENTRIES }, (_, i) => [`future-${i}`, entry(10 * HOUR + i * MINUTE)] as const);
    const plausible = Array.from({ length: 3 }, (_, i) => [`now-${i}`, entry(-i * MINUTE)] as const);
    const { keep, drop } = pruneEntries([...future, ...plausible], NOW);
    expect(keep).toHaveLength(MAX_ENTRIES);
    expect(keep.slice(0, 3).map(([key]) => key)).toEqual(['now-0', 'now-1', 'now-2']);
    // Of the future ones, those that become plausible soonest stay.
    expect(drop).toEqual(['future-61', 'future-62', 'future-63']);

    const many = Array.from({ length: MAX_ENTRIES + 2 }, (_, i) => [`p-${i}`, entry(-i * MINUTE)] as const);
    expect(pruneEntries([...many, ['f', entry(10 * HOUR)]], NOW).drop.sort()).toEqual(['f', `p-${MAX_ENTRIES}`, `p-${MAX_ENTRIES + 1}`]);
  });
});
