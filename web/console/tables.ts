import { escapeHtml } from '../shared/escape.js';
import { clock, count, duration, instant, price } from './format.js';
import type { Job, Lists, Sample, Value } from './model.js';

function table(head: readonly string[], rows: readonly string[], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function td(text: string, cls = ''): string {
  return `<td${cls === '' ? '' : ` class="${cls}"`}>${escapeHtml(text)}</td>`;
}

/** Dead letters: the count per reason, then the latest ones, newest first. */
export function deadLetters(job: Job): string {
  const t = job.totals;
  const reasons = (['invalid', 'late', 'duplicate', 'error'] as const)
    .map(
      (r) =>
        `<div class="stat" data-dead="${r}" data-value="${t[r]}"><div class="label">${r}</div><div class="value">${count(t[r])}</div></div>`,
    )
    .join('');
  const rows = [...job.lists.deadLetters].reverse().map((l) => {
    const at = l.source !== undefined ? `${l.source} line ${l.position + 1}` : `p${l.partition} @${l.position}`;
    const raw = l.rawBytes !== undefined ? `${l.raw} (${count(l.rawBytes)} bytes)` : l.raw;
    return `<tr data-reason="${escapeHtml(l.reason)}">${td(clock(l.atMs))}${td(l.reason)}${td(at)}${td(l.detail, 'detail')}${td(raw, 'raw')}</tr>`;
  });
  return `<h3>Dead letters by reason</h3><div class="stats">${reasons}</div>${table(['committed', 'reason', 'at', 'detail', 'record'], rows, 'No dead letter yet.')}`;
}

function cell(v: Value | undefined, kind: string): string {
  if (v === null || v === undefined) return '';
  if (kind === 'instant' && typeof v === 'number') return instant(v);
  return String(v);
}

/** The latest committed rows, newest first, in the table's columns. */
export function latestRows(job: Job): string {
  const columns = job.columns.filter((c) => c.kind !== 'writtenAt');
  const rows = [...job.lists.rows]
    .reverse()
    .map((r) => `<tr>${td(clock(r.atMs))}${columns.map((c) => td(cell(r.values[c.name], c.kind))).join('')}</tr>`);
  return `<h3>Latest committed rows → ${escapeHtml(job.table)}</h3>${table(
    ['committed', ...columns.map((c) => c.name)],
    rows,
    'No row committed yet.',
  )}`;
}

/** The newest top 3 of each window length. */
export function rankings(lists: Lists): string {
  const rows = (lists.rankings ?? []).map((r) => {
    const places = [1, 2, 3].map((rank) => {
      const p = r.ranks.find((x) => x.rank === rank);
      return p === undefined ? td('') : td(`${p.symbol} ${price(p.average)}`);
    });
    return `<tr data-window="${r.aggregationType}">${td(`${r.aggregationType} min`)}${td(instant(r.windowEndMs))}${places.join('')}</tr>`;
  });
  return `<h3>Top 3 by mean price, per window length</h3>${table(
    ['window', 'ends', '#1', '#2', '#3'],
    rows,
    'No window closed yet.',
  )}`;
}

/** Each owned partition now: lag, watermark, and how far the watermark is behind the run's clock. */
export function partitions(job: Job, last: Sample | undefined): string {
  if (last === undefined) return '';
  const ids = [...new Set([...job.assigned.map(String), ...Object.keys(last.lag), ...Object.keys(last.watermarks)])];
  ids.sort((a, b) => Number(a) - Number(b));
  const rows = ids.map((p) => {
    const lag = last.lag[p];
    const wm = last.watermarks[p];
    return `<tr data-partition="${escapeHtml(p)}">${td(p)}${td(lag === undefined ? '—' : count(lag))}${td(
      wm === undefined ? '—' : instant(wm),
    )}${td(wm === undefined ? '—' : duration(last.t - wm))}</tr>`;
  });
  return `<h3>Partitions</h3>${table(['partition', 'lag (records)', 'watermark', 'behind wall clock'], rows, 'No partition assigned.')}`;
}
