/**
 * A small seeded generator (mulberry32): numbers in [0, 1), the same on every run, so a
 * differential test that finds a difference finds it again.
 */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A text of 1 to `maxPieces` pieces drawn from `pieces`. */
export function randomText(random: () => number, pieces: readonly string[], maxPieces: number): string {
  let text = '';
  for (let k = 1 + Math.floor(random() * maxPieces); k > 0; k--) text += pieces[Math.floor(random() * pieces.length)] ?? '';
  return text;
}
