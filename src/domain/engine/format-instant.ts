/** ISO-8601 UTC with milliseconds; ±∞ spelled out (watermarks start at -∞). */
export function formatInstant(ms: number): string {
  if (ms === Infinity) return '+inf';
  if (ms === -Infinity) return '-inf';
  if (!Number.isFinite(ms)) return String(ms);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}
