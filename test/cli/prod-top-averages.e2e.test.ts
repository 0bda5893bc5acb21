import { generateQuotes } from '../../src/domain/jobs/top-averages.generator';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { prodMember, quietWithOutbox } from '../support/prod-args';
import { referenceTopAverages, type TopAverageReferenceRow } from '../support/reference-top-averages';
import { runCli } from '../support/run-cli';

jest.setTimeout(300_000);

describe('hexstream prod --job top-averages (real Kafka and MariaDB)', () => {
  it('writes the reference rankings into top_averages; IEX quotes without a time take their Kafka timestamp', async () => {
    const T0 = Date.UTC(2025, 0, 1);
    const data = new Map<number, string[]>([
      [0, []],
      [1, []],
    ]);
    let i = 0;
    for (const { line } of generateQuotes({ count: 1_500, seed: 3, startMs: T0, quotesPerSecond: 1, faultShare: 0.04 }))
      (data.get(i++ % 2) as string[]).push(line);
    // Quotes without latestUpdate: their time is the record's timestamp, set by the producer.
    const arrival = T0 + 700_000;
    (data.get(1) as string[]).unshift(
      '{"XOM":{"quote":{"symbol":"XOM","latestPrice":"999.5"}},"ZZ":{"quote":{"symbol":"ZZ","latestPrice":998}}}',
    );
    const expected = referenceTopAverages(data, 10_000, arrival);
    const topic = await topicWith(data, { timestampMs: arrival });
    const db = await createTestDatabase();
    try {
      const group = uniqueName('top');
      // Update mode: a bounded prod run keeps the windows still open at the end for the next run;
      // their rows are written with the values so far, which are final once the topic is read.
      const r = runCli([
        ...prodMember({ job: 'top-averages', topic: topic.topic, group }),
        '--mysql',
        db.url,
        '--output-mode',
        'update',
        '--bounded',
        ...quietWithOutbox(group),
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const rows = await db.query('SELECT window_end, aggregation_type, `rank`, symbol, average FROM top_averages');
      const actual = new Map<string, TopAverageReferenceRow>(
        rows.map((x) => {
          const row = {
            window_end: Date.parse(`${String(x.window_end).replace(' ', 'T')}Z`),
            aggregation_type: Number(x.aggregation_type),
            rank: Number(x.rank),
            symbol: String(x.symbol),
            average: Number(x.average),
          };
          return [`${row.aggregation_type}|${row.window_end}|${row.rank}`, row];
        }),
      );
      // MariaDB renders a DOUBLE in text with fewer digits than a round trip needs: 12 are compared.
      const twelve = (m: Map<string, TopAverageReferenceRow>): Map<string, TopAverageReferenceRow> =>
        new Map([...m].map(([k, v]) => [k, { ...v, average: Number(v.average.toPrecision(12)) }]));
      expect(twelve(actual)).toEqual(twelve(expected.rows));
      // ZZ quoted once, at the record's timestamp: in exactly the six 1-minute windows holding it.
      const zz = [...actual.values()].filter((x) => x.symbol === 'ZZ' && x.aggregation_type === 1);
      expect(zz.map((x) => [x.window_end - T0, x.average]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(
        [710, 720, 730, 740, 750, 760].map((s) => [s * 1000, 998]),
      );
    } finally {
      await db.drop();
      await topic.remove();
    }
  });
});
