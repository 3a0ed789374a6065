/** Nanoseconds per unit, as Go's `time.ParseDuration` names them (`µs` in both spellings of µ). */
const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's `time.Duration` is an int64 of nanoseconds. */
const MAX_NANOSECONDS = (1n << 63n) - 1n;

/** Longer than any duration Go accepts (`9223372036854775807ns` is 21 characters). */
const MAX_LENGTH = 64;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * A duration as Go's `time.ParseDuration` reads it — how kubelet decodes `defaultCacheDuration`
 * and `cacheDuration` (`metav1.Duration`): an optional sign, then one or more decimal numbers,
 * each with an optional fraction and a unit (`300ms`, `-1.5h`, `2h45m`); `0` alone needs no unit.
 * Returns the nanoseconds, or undefined where Go returns an error (no unit, unknown unit,
 * spaces, overflow of int64). A scanner, not a regular expression: linear in the input.
 */
export function parseGoDuration(text: string): bigint | undefined {
  if (text.length > MAX_LENGTH) return undefined;
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const part = scanComponent(rest);
    if (part === undefined) return undefined;
    total += part.nanoseconds;
    if (total > MAX_NANOSECONDS + 1n) return undefined;
    rest = part.rest;
  }
  if (negative) return -total;
  return total > MAX_NANOSECONDS ? undefined : total;
}

/** One `<digits>[.<digits>]<unit>` at the start of `text`, and what follows it. */
function scanComponent(text: string): { nanoseconds: bigint; rest: string } | undefined {
  let i = 0;
  while (isDigit(text[i])) i++;
  const whole = text.slice(0, i);
  let fraction = '';
  if (text[i] === '.') {
    const start = ++i;
    while (isDigit(text[i])) i++;
    fraction = text.slice(start, i);
  }
  if (whole === '' && fraction === '') return undefined;
  const unitStart = i;
  while (i < text.length && text[i] !== '.' && !isDigit(text[i])) i++;
  const unit = UNITS[text.slice(unitStart, i)];
  if (unit === undefined) return undefined;
  let nanoseconds = BigInt(whole || '0') * unit;
  if (fraction !== '') nanoseconds += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
  if (nanoseconds > MAX_NANOSECONDS + 1n) return undefined;
  return { nanoseconds, rest: text.slice(i) };
}
