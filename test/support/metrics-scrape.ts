import { get } from 'node:http';
import type { ReferenceResult } from './reference-orders';

/** `/metrics` as a map from `name{labels}` to its value (comments and help lines left out). */
export async function scrapeMetrics(
  baseUrl: string,
  headers: Record<string, string> = {},
): Promise<Map<string, number>> {
  const text = await fetchText(`${baseUrl}metrics`, headers);
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    values.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return values;
}

/** A GET's body, failing on any status but 200 (at most 10 s). */
export function fetchText(url: string, headers: Record<string, string> = {}): Promise<string> {
  return fetchAnswer(url, headers).then((a) => {
    if (a.status !== 200) throw new Error(`GET ${url}: ${a.status} ${a.body}`);
    return a.body;
  });
}

export function fetchAnswer(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url}: no answer within 10 s`)));
    req.on('error', reject);
  });
}

/** The endpoint's URL from a run's stdout (`endpoint       http://127.0.0.1:PORT/`), once printed. */
export function endpointUrl(stdout: string): string | undefined {
  return /^endpoint\s+(http:\/\/\S+)$/m.exec(stdout)?.[1];
}

/** The sum of every series whose key starts with `prefix`. */
export function total(values: ReadonlyMap<string, number>, prefix: string): number {
  let sum = 0;
  for (const [k, v] of values) if (k.startsWith(prefix)) sum += v;
  return sum;
}

/**
 * What `/metrics` must say of an `orders` run in append mode that read all of `data`, computed from
 * the reference: outcomes, dead letters by reason, watermarks, and which rows the watermark closed
 * (written) or keeps open (state) — when a trigger fired since (`triggered`), else none is closed yet.
 */
export function expectedOrdersFigures(
  job: string,
  expected: ReferenceResult,
  watermarkMs: number,
  triggered: boolean,
): Map<string, number> {
  const out = new Map<string, number>();
  const dead = (reason: string): number => expected.deadLetters.filter((d) => d.reason === reason).length;
  out.set(`hexstream_records_total{job="${job}",outcome="accepted"}`, expected.accepted);
  for (const reason of ['invalid', 'late', 'duplicate', 'error']) {
    out.set(`hexstream_records_total{job="${job}",outcome="${reason}"}`, dead(reason));
    out.set(`hexstream_dead_letters_total{job="${job}",reason="${reason}"}`, dead(reason));
  }
  const watermarks = [...expected.maxEventMs].map(([p, t]) => [p, t - watermarkMs] as const);
  for (const [p, w] of watermarks)
    out.set(`hexstream_watermark_timestamp_seconds{job="${job}",partition="${p}"}`, w / 1000);
  const closedUpTo = triggered ? Math.min(...watermarks.map(([, w]) => w)) : -Infinity;
  const rows = [...expected.rows.values()];
  const open = rows.filter((r) => Date.parse(r.window_end) > closedUpTo);
  out.set(`hexstream_rows_written_total{job="${job}"}`, rows.length - open.length);
  out.set(`hexstream_state_rows{job="${job}"}`, open.length);
  out.set(`hexstream_open_windows{job="${job}"}`, new Set(open.map((r) => r.window_start)).size);
  return out;
}

/** The series of `actual` named in `expected`, for a comparison that names what differs. */
export function pickSeries(
  actual: ReadonlyMap<string, number>,
  expected: ReadonlyMap<string, number>,
): Map<string, number | undefined> {
  return new Map([...expected.keys()].map((k) => [k, actual.get(k)]));
}
