import { escapeHtml } from '../shared/escape.js';
import type { BytesView, MessagePage, MessageView, TopicEntry } from './api.js';

const REASONS = ['invalid', 'late', 'duplicate', 'error'];

/** The topic list: one button per topic, with its message count. */
export function topicList(topics: readonly TopicEntry[], current: string | undefined): string {
  if (topics.length === 0) return '<li class="note">no topics</li>';
  return topics
    .map((t) => {
      const cls = t.name === current ? ' class="current"' : '';
      return `<li><button type="button"${cls} data-topic="${escapeHtml(t.name)}">${escapeHtml(t.name)}<span class="count">${t.messages.toLocaleString('en')}</span></button></li>`;
    })
    .join('');
}

/** What the form starts with: the values of the last query, or those of the address. */
export interface QueryState {
  readonly partition: number;
  readonly from: 'end' | 'offset' | 'time';
  readonly offset: string;
  readonly time: string;
  readonly limit: string;
  readonly reason: string;
}

/** The form that picks a partition, where to start, how many, and (dead letters) a reason. */
export function queryForm(topic: TopicEntry, state: QueryState): string {
  const partitions = topic.partitions
    .map((p) => {
      const selected = p.partition === state.partition ? ' selected' : '';
      return `<option value="${p.partition}"${selected}>${p.partition} (offsets ${p.low}–${p.high})</option>`;
    })
    .join('');
  const from = (['end', 'offset', 'time'] as const)
    .map(
      (f) =>
        `<option value="${f}"${f === state.from ? ' selected' : ''}>${f === 'end' ? 'the last messages' : f}</option>`,
    )
    .join('');
  const reason = topic.deadLetter
    ? `<label>reason<select id="reason" name="reason"><option value="">any</option>${REASONS.map(
        (r) => `<option value="${r}"${r === state.reason ? ' selected' : ''}>${r}</option>`,
      ).join('')}</select></label>`
    : '';
  return `<h2>${escapeHtml(topic.name)}</h2>
<form id="query">
<label>partition<select id="partition" name="partition">${partitions}</select></label>
<label>from<select id="from" name="from">${from}</select></label>
<label>offset<input id="offset" name="offset" inputmode="numeric" size="10" value="${escapeHtml(state.offset)}"></label>
<label>time (ISO-8601)<input id="time" name="time" size="24" placeholder="2026-01-01T00:00:00Z" value="${escapeHtml(state.time)}"></label>
<label>limit<input id="limit" name="limit" inputmode="numeric" size="5" value="${escapeHtml(state.limit)}"></label>
${reason}
<button class="action" id="load" type="submit">show</button>
</form>
<div id="result"></div>`;
}

/** A page of messages as a table, with what was read and a button for the next page. */
export function messageTable(page: MessagePage, deadLetter: boolean): string {
  const what = page.reason === undefined ? '' : ` with reason ${escapeHtml(page.reason)} (looked at ${page.scanned})`;
  const summary = `<p class="note" id="summary">${page.messages.length} message${page.messages.length === 1 ? '' : 's'}${what}; partition ${page.partition} holds offsets ${page.low}–${page.high}</p>`;
  const more =
    page.next < page.high
      ? `<button class="action" id="next" type="button" data-offset="${page.next}">next from offset ${page.next}</button>`
      : '';
  if (page.messages.length === 0) return `${summary}<p class="empty">nothing here</p>${more}`;
  const rows = page.messages.map((m) => messageRow(m, deadLetter)).join('');
  return `${summary}<table id="messages"><thead><tr><th>offset</th><th>time</th><th>key</th><th>headers</th><th>value</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

function messageRow(m: MessageView, deadLetter: boolean): string {
  const reason = deadLetter ? m.headers.find((h) => h.name === 'reason')?.value.text : undefined;
  const headers = m.headers
    .map(
      (h) =>
        `<div><span class="${h.name === 'reason' ? 'reason' : ''}">${escapeHtml(h.name)}</span>: ${bytes(h.value, false)}</div>`,
    )
    .join('');
  return `<tr data-offset="${m.offset}"${reason === undefined ? '' : ` data-reason="${escapeHtml(reason)}"`}><td>${m.offset}</td><td>${escapeHtml(m.timestamp ?? String(m.timestampMs))}</td><td class="key">${m.key === null ? '<span class="note">none</span>' : bytes(m.key, false)}</td><td class="headers">${headers}</td><td class="value">${m.value === null ? '<span class="note">null (tombstone)</span>' : bytes(m.value, true)}</td></tr>`;
}

/** Bytes as the server rendered them, escaped; binary and cut values say so. */
function bytes(v: BytesView, block: boolean): string {
  const notes: string[] = [];
  if (v.format === 'binary') notes.push(`binary, ${v.bytes} bytes, as hex`);
  if (v.truncated) notes.push(`the first part of ${v.bytes.toLocaleString('en')} bytes`);
  const note = notes.length === 0 ? '' : `<div class="note">${notes.join('; ')}</div>`;
  const cls = v.format === 'binary' ? ' class="binary"' : '';
  return block || v.format === 'json'
    ? `<pre${cls}>${escapeHtml(v.text)}</pre>${note}`
    : `<span${cls}>${escapeHtml(v.text)}</span>${note}`;
}
