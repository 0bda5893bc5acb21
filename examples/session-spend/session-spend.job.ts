import { decimal, defineJob, eventTime, field, instant, integer, json, session, text } from 'hexstream';

/**
 * Shopping sessions: a shop's clickstream, cut per user into sessions (a session ends after 30
 * minutes without an event of that user), and per session how many events, purchases, distinct
 * pages and the exact amount spent. A session is written once, when it has closed (append mode).
 *
 * Input: JSON lines such as
 *   {"user":"u-17","action":"buy","page":"/p/42","amount":"19.99","ts":"2025-01-01T10:02:07Z"}
 * where action is view, cart or buy and only a buy has an amount.
 */
export const job = defineJob({
  name: 'session-spend',
  description: 'Per user session (30 min gap): events, purchases, distinct pages and the exact spend',
  input: json({
    fields: {
      user: field.string({ maxLength: 64 }),
      action: field.string({ oneOf: ['view', 'cart', 'buy'] }),
      page: field.string({ maxLength: 256 }),
      amount: field.decimal({ scale: 2, min: 0, optional: true }),
      ts: field.time('iso'),
    },
  }),
  time: eventTime('ts'),
  key: ['user'],
  window: session('30m'),
  watermark: '1m',
  output: 'append',
  aggregate: (a) => ({
    events: a.count(),
    purchases: a.sum((e) => (e.action === 'buy' ? 1 : 0)),
    pages: a.distinctCount('page'),
    spend: a.decimalSum((e) => e.amount ?? 0),
  }),
  table: {
    name: 'session_spend',
    columns: {
      user_id: text(64),
      session_start: instant(),
      session_end: instant(),
      events: integer(),
      purchases: integer(),
      pages: integer(),
      spend: decimal(14, 2),
    },
    primaryKey: ['user_id', 'session_start'],
  },
  row: ({ window, key, agg }) => ({
    user_id: key.user,
    session_start: window.startMs,
    session_end: window.endMs,
    events: agg.events,
    purchases: agg.purchases,
    pages: agg.pages,
    spend: agg.spend,
  }),
  io: { topic: 'clickstream', sample: 'session-spend.sample.jsonl' },
});
