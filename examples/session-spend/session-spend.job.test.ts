import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testJob } from 'hexstream/testing';
import { job } from './session-spend.job';

const MINUTE = 60_000;
const T0 = Date.parse('2025-01-01T10:00:00Z');
const at = (minutes: number): string => new Date(T0 + minutes * MINUTE).toISOString();

/** A session row: times in epoch ms, spend in cents (the decimal(14, 2) column's exact units). */
function session(
  user: string,
  from: number,
  to: number,
  counts: { events: number; purchases: number; pages: number; cents: number },
): Record<string, unknown> {
  return {
    user_id: user,
    session_start: T0 + from * MINUTE,
    session_end: T0 + to * MINUTE,
    events: counts.events,
    purchases: counts.purchases,
    pages: counts.pages,
    spend: counts.cents,
  };
}

describe('session-spend', () => {
  it('cuts a user’s events into sessions at a gap of more than 30 minutes', () => {
    const run = testJob(job);
    run.addEvent({ user: 'u-1', action: 'view', page: '/', ts: at(0) });
    run.addEvent({ user: 'u-1', action: 'buy', page: '/p/1', amount: '10.50', ts: at(29) });
    run.addEvent({ user: 'u-1', action: 'buy', page: '/p/1', amount: '0.25', ts: at(58) });
    run.addEvent({ user: 'u-1', action: 'view', page: '/', ts: at(89) });
    expect(run.finish().rows).toEqual([
      session('u-1', 0, 88, { events: 3, purchases: 2, pages: 2, cents: 1075 }),
      session('u-1', 89, 119, { events: 1, purchases: 0, pages: 1, cents: 0 }),
    ]);
  });

  it('keeps the sessions of different users apart', () => {
    const run = testJob(job);
    run.addEvent({ user: 'u-1', action: 'buy', page: '/p/1', amount: '1.00', ts: at(0) });
    run.addEvent({ user: 'u-2', action: 'buy', page: '/p/1', amount: '2.00', ts: at(1) });
    expect(run.finish().rows).toEqual([
      session('u-1', 0, 30, { events: 1, purchases: 1, pages: 1, cents: 100 }),
      session('u-2', 1, 31, { events: 1, purchases: 1, pages: 1, cents: 200 }),
    ]);
  });

  it('merges two sessions when an event out of order falls in the gap between them (lateness of an hour allowed)', () => {
    const run = testJob(job, { watermark: '1h' });
    run.addEvent({ user: 'u-1', action: 'view', page: '/a', ts: at(0) });
    run.addEvent({ user: 'u-1', action: 'view', page: '/b', ts: at(50) });
    run.addEvent({ user: 'u-1', action: 'view', page: '/a', ts: at(25) });
    expect(run.finish().rows).toEqual([session('u-1', 0, 80, { events: 3, purchases: 0, pages: 2, cents: 0 })]);
  });

  it('writes a session once, when the watermark (1 minute behind the latest event) has passed its end', () => {
    const run = testJob(job);
    run.addEvent({ user: 'u-1', action: 'view', page: '/', ts: at(0) });
    run.addEvent({ user: 'u-2', action: 'view', page: '/', ts: at(30) });
    expect(run.trigger().rows).toEqual([]);
    run.addEvent({ user: 'u-2', action: 'view', page: '/', ts: at(31) });
    expect(run.trigger().rows).toEqual([session('u-1', 0, 30, { events: 1, purchases: 0, pages: 1, cents: 0 })]);
    expect(run.trigger().rows).toEqual([]);
  });

  it('turns an unknown action and a line that is not JSON into dead letters', () => {
    const run = testJob(job);
    run.add({ text: JSON.stringify({ user: 'u-1', action: 'refund', page: '/', ts: at(0) }) });
    run.add({ text: 'not json' });
    run.addEvent({ user: 'u-1', action: 'view', page: '/', ts: at(1) });
    const out = run.finish();
    expect(out.deadLetters.map((d) => d.reason)).toEqual(['invalid', 'invalid']);
    expect(out.rows).toEqual([session('u-1', 1, 31, { events: 1, purchases: 0, pages: 1, cents: 0 })]);
  });

  it('gives the sessions of its sample', () => {
    const run = testJob(job);
    for (const line of readFileSync(join(__dirname, 'session-spend.sample.jsonl'), 'utf8').split('\n'))
      if (line !== '') run.add({ text: line });
    const out = run.finish();
    expect(out.deadLetters.map((d) => d.raw)).toEqual([
      '{"user":"u-2","action":"refund","page":"/p/7","ts":"2025-01-01T10:07:00Z"}',
      'not json',
    ]);
    const byUserAndStart = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
      String(a['user_id']).localeCompare(String(b['user_id'])) ||
      Number(a['session_start']) - Number(b['session_start']);
    expect([...out.rows].sort(byUserAndStart)).toEqual([
      session('u-1', 0, 51, { events: 6, purchases: 2, pages: 3, cents: 2000 }),
      session('u-1', 70, 102, { events: 2, purchases: 1, pages: 2, cents: 725 }),
      session('u-2', 1, 36, { events: 2, purchases: 1, pages: 1, cents: 500 }),
      session('u-2', 40, 70, { events: 1, purchases: 0, pages: 1, cents: 0 }),
      session('u-2', 75, 105, { events: 1, purchases: 0, pages: 1, cents: 0 }),
      session('u-3', 8, 55, { events: 2, purchases: 1, pages: 1, cents: 12050 }),
      session('u-3', 80, 110, { events: 1, purchases: 0, pages: 1, cents: 0 }),
      session('u-9', 200, 230, { events: 1, purchases: 0, pages: 1, cents: 0 }),
    ]);
  });
});
