import { escapeHtml } from '../shared/escape.js';
import { candleChart } from './candle-chart.js';
import { amount, count, duration, instant } from './format.js';
import { lineChart, type Series } from './line-chart.js';
import type { Job, Lists, Model, Sample } from './model.js';
import { deadLetters, latestRows, partitions, rankings } from './tables.js';

/** The parts of a job's section that are filled on each update. */
type Slot = 'stats' | 'charts' | 'partitions' | 'candles' | 'rankings' | 'dead' | 'rows';

/** The lists each section last drew: lists are redrawn only when a commit changed them. */
const drawnLists = new WeakMap<HTMLElement, Lists>();

export function newJobSection(job: string): HTMLElement {
  const section = document.createElement('section');
  section.className = 'job';
  section.dataset['job'] = job;
  section.innerHTML =
    `<h2>${escapeHtml(job)}<span class="badge status"></span><span class="badge alert" hidden></span></h2><div class="sub"></div>` +
    `<div data-slot="stats" class="stats"></div><div data-slot="charts" class="charts"></div>` +
    `<div data-slot="partitions"></div><div data-slot="candles"></div><div data-slot="rankings"></div>` +
    `<div class="tables"><div data-slot="dead"></div><div data-slot="rows"></div></div>`;
  return section;
}

function slot(section: HTMLElement, name: Slot): HTMLElement {
  const el = section.querySelector<HTMLElement>(`[data-slot="${name}"]`);
  if (el === null) throw new Error(`the job section has no ${name} slot`);
  return el;
}

function stat(label: string, key: string, value: number | null, text: string): string {
  return `<div class="stat" data-total="${key}" data-value="${value ?? ''}"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(text)}</div></div>`;
}

function stats(job: Job, last: Sample | undefined): string {
  const t = job.totals;
  const totals: Array<[string, keyof typeof t]> = [
    ['records read', 'read'],
    ['accepted', 'accepted'],
    ['dead letters', 'deadLetters'],
    ['rows written', 'rowsWritten'],
    ['triggers', 'triggers'],
    ['replayed', 'replayed'],
  ];
  return [
    stat('records/s', 'rate', last?.rate ?? null, amount(last?.rate)),
    ...totals.map(([label, key]) => stat(label, key, t[key], count(t[key]))),
    stat('open windows', 'openWindows', last?.openWindows ?? null, count(last?.openWindows ?? 0)),
    stat('state rows', 'stateRows', last?.stateRows ?? null, count(last?.stateRows ?? 0)),
    stat('remembered ids', 'rememberedIds', last?.rememberedIds ?? null, count(last?.rememberedIds ?? 0)),
  ].join('');
}

function partitionSeries(samples: readonly Sample[], pick: (s: Sample, p: string) => number | null): Series[] {
  const ids = new Set<string>();
  for (const s of samples) for (const p of Object.keys(s.lag).concat(Object.keys(s.watermarks))) ids.add(p);
  return [...ids]
    .sort((a, b) => Number(a) - Number(b))
    .map((p) => ({ name: `p${p}`, points: samples.map((s) => [s.t, pick(s, p)] as const) }));
}

function charts(job: Job, model: Model): string {
  const s = job.samples;
  const toMs = s.length > 0 ? (s[s.length - 1] as Sample).t : model.nowMs;
  const fromMs = Math.min(s.length > 0 ? (s[0] as Sample).t : toMs, toMs - 60_000);
  const line = (name: string, pick: (x: Sample) => number | null): Series => ({
    name,
    points: s.map((x) => [x.t, pick(x)] as const),
  });
  const span = { fromMs, toMs };
  return [
    lineChart({
      title: 'records/s, rows/s',
      format: amount,
      series: [line('records', (x) => x.rate), line('rows', (x) => x.rowsRate)],
      ...span,
    }),
    // Two charts: event-to-commit latency includes how old the input is, and can be days.
    lineChart({ title: 'commit duration', format: duration, series: [line('longest', (x) => x.commitMs)], ...span }),
    lineChart({
      title: 'event-to-commit latency',
      format: duration,
      series: [line('largest', (x) => x.eventToCommitMs)],
      ...span,
    }),
    lineChart({
      title: 'lag per partition (records)',
      format: amount,
      series: partitionSeries(s, (x, p) => x.lag[p] ?? null),
      ...span,
    }),
    lineChart({
      title: 'watermark behind wall clock, per partition',
      format: duration,
      series: partitionSeries(s, (x, p) => (x.watermarks[p] === undefined ? null : x.t - (x.watermarks[p] as number))),
      ...span,
    }),
    lineChart({
      title: 'state size',
      format: amount,
      series: [
        line('open windows', (x) => x.openWindows),
        line('rows', (x) => x.stateRows),
        line('ids', (x) => x.rememberedIds),
      ],
      ...span,
    }),
  ].join('');
}

function alertOf(job: Job): string | undefined {
  if (job.outage !== undefined)
    return `${job.outage.side} down since ${instant(job.outage.sinceMs)}: ${job.outage.what}`;
  if (job.rebuilding !== undefined) return `rebuilding: ${job.rebuilding}`;
  if (job.lastCommit !== undefined && !job.lastCommit.ok) return `last commit failed: ${job.lastCommit.error ?? ''}`;
  return undefined;
}

/** Draws a job's figures and charts, and its lists when they changed. */
export function renderJob(section: HTMLElement, job: Job, model: Model): void {
  const last = job.samples[job.samples.length - 1];
  const status = section.querySelector<HTMLElement>('.badge.status');
  if (status !== null) {
    status.textContent = job.status;
    status.className = `badge status ${job.status}`;
  }
  const alert = section.querySelector<HTMLElement>('.badge.alert');
  const problem = alertOf(job);
  if (alert !== null) {
    alert.hidden = problem === undefined;
    alert.textContent = problem ?? '';
  }
  const sub = section.querySelector<HTMLElement>('.sub');
  if (sub !== null)
    sub.textContent = `${job.mode} · ${job.input} → ${job.table} · ${job.outputMode} mode · started ${instant(job.startedAtMs)}`;
  slot(section, 'stats').innerHTML = stats(job, last);
  slot(section, 'charts').innerHTML = charts(job, model);
  slot(section, 'partitions').innerHTML = partitions(job, last);
  if (drawnLists.get(section) === job.lists) return;
  drawnLists.set(section, job.lists);
  const bars = job.lists.bars;
  slot(section, 'candles').innerHTML =
    bars === undefined
      ? ''
      : `<h3>OHLC bars per symbol</h3><div class="candles">${bars.map((b) => candleChart(b.symbol, b.bars)).join('') || '<p class="empty">No bar yet.</p>'}</div>`;
  slot(section, 'rankings').innerHTML = job.lists.rankings === undefined ? '' : rankings(job.lists);
  slot(section, 'dead').innerHTML = deadLetters(job);
  slot(section, 'rows').innerHTML = latestRows(job);
}
