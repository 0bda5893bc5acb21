import { IngestMetrics } from '../adapters/metrics/ingest-metrics';
import type { IngestReading } from '../domain/ingest/ingest-settings';
import type { EndpointPart } from './endpoint-part';

/**
 * Where the endpoint reads the ingest run from. The endpoint starts before the run (its URL is the
 * first line), so the run is handed to it once built: `started`, then `ended`.
 */
export class IngestRunSlot {
  private read: (() => IngestReading) | undefined;
  private running = false;

  started(read: () => IngestReading): void {
    this.read = read;
    this.running = true;
  }

  ended(): void {
    this.running = false;
  }

  view(): { readonly reading: IngestReading; readonly running: boolean } | undefined {
    return this.read === undefined ? undefined : { reading: this.read(), running: this.running };
  }
}

/** `/metrics` (`hexstream_ingest_*`), `/health/live` and `/health/ready` of an ingest run. */
export function ingestPart(slot: IngestRunSlot): EndpointPart {
  const metrics = new IngestMetrics(() => slot.view());
  return { name: 'ingest', routes: metrics.routes() };
}
