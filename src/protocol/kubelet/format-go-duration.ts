/**
 * A whole number of seconds as Go's `time.Duration.String()` writes it — `0s`, `59s`,
 * `10m0s`, `6h0m0s`, `1h1m1s` — which is how kubelet reads `cacheDuration` (a
 * `metav1.Duration`) and how its own tests write it.
 */
export function formatGoDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
