import { formatDuration } from '../composition/duration';
import type { IngestConfig } from '../composition/ingest-config';
import type { IngestReport } from '../domain/ingest/ingest-settings';
import { formatCount } from './console-output';

/** Where a run writes, as `ingestOutputs` says it. */
export interface IngestOutputs {
  readonly messages: string;
  readonly deadLetters: string;
}

/** The first line of a run: what it reads, how, and where it writes. */
export function ingestBanner(config: IngestConfig, from: string, outputs: IngestOutputs): string {
  const how =
    config.feed === 'http'
      ? `polled every ${formatDuration(config.everyMs)}`
      : `streamed${config.subscribe.length > 0 ? `, ${config.subscribe.length} subscription${config.subscribe.length === 1 ? '' : 's'}` : ''}`;
  const brokers = config.to.kind === 'kafka' ? ` on ${config.to.brokers.join(',')}` : '';
  return `hexstream ingest · ${config.format} · ${from} (${how}) → ${outputs.messages}${brokers}`;
}

/**
 * The summary of a run, as printed at its end and mailed in the report:
 *
 *   payloads           120
 *   messages         1,180  → topic quotes
 *   unchanged           20  (same symbol and update time as one already sent)
 *   dead letters         3  → topic quotes.dead-letter (invalid 2, status 1)
 *   elapsed          20.02 s  (59 messages/s)
 */
export function ingestSummary(report: IngestReport, outputs: IngestOutputs): string[] {
  const c = report.counters;
  const line = (label: string, n: number, extra = ''): string =>
    `${label.padEnd(15)}${formatCount(n).padStart(12)}${extra}`;
  const reasons = Object.entries(c.deadLetters)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  const dead = reasons.reduce((sum, [, n]) => sum + n, 0);
  const byReason = reasons.length === 0 ? '' : ` (${reasons.map(([r, n]) => `${r} ${formatCount(n)}`).join(', ')})`;
  const seconds = report.elapsedMs / 1000;
  return [
    line('payloads', c.payloads),
    line('messages', c.messages, `  → ${outputs.messages}`),
    line('unchanged', c.unchanged, '  (same symbol and update time as a quote already sent)'),
    line('dead letters', dead, `  → ${outputs.deadLetters}${byReason}`),
    `${'elapsed'.padEnd(15)}${seconds.toFixed(2).padStart(10)} s  (${formatCount(c.messages / Math.max(seconds, 0.001))} messages/s)`,
  ];
}
