/** 1234567 → "1,234,567": counts in summaries and reports. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
