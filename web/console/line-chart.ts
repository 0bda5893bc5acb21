import { escapeHtml } from '../shared/escape.js';
import { clock } from './format.js';

/** One line: its points as [time (epoch ms), value or `null` for a gap]. */
export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number | null]>;
}

export interface LineChartOptions {
  readonly title: string;
  /** How the current values and the axis read. */
  readonly format: (v: number) => string;
  readonly series: readonly Series[];
  /** The time span shown, right edge now. */
  readonly fromMs: number;
  readonly toMs: number;
}

/** Series colours are the classes `c0` … `c7` of the page's style (no inline style: the page's policy forbids it). */
const COLOURS = 8;

const W = 340;
const H = 130;
const L = 50;
const R = 8;
const T = 8;
const B = 16;

function latest(points: Series['points']): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = (points[i] as readonly [number, number | null])[1];
    if (v !== null && Number.isFinite(v)) return v;
  }
  return null;
}

/**
 * The path of one series, broken where a value is missing (a point alone between gaps is a short
 * dash, so that it shows); also how many points it drew.
 */
function pathOf(s: Series, x: (t: number) => number, y: (v: number) => number): { d: string; drawn: number } {
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  for (const [t, v] of s.points) {
    if (v !== null && Number.isFinite(v)) run.push([x(t), y(v)]);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  let d = '';
  let drawn = 0;
  for (const r of runs) {
    drawn += r.length;
    const [x0, y0] = r[0] as [number, number];
    if (r.length === 1) d += `M${(x0 - 2).toFixed(1)} ${y0.toFixed(1)}h4`;
    else d += r.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px.toFixed(1)} ${py.toFixed(1)}`).join('');
  }
  return { d, drawn };
}

/** A line chart as SVG: one path per series (with `data-points`, how many points it drew), axes, legend. */
export function lineChart(o: LineChartOptions): string {
  let max = 0;
  for (const s of o.series) for (const [, v] of s.points) if (v !== null && Number.isFinite(v) && v > max) max = v;
  const top = max > 0 ? max * 1.1 : 1;
  const span = Math.max(1, o.toMs - o.fromMs);
  const x = (t: number): number => L + ((t - o.fromMs) / span) * (W - L - R);
  const y = (v: number): number => T + (H - T - B) * (1 - v / top);
  const grid = [0, top / 2, top]
    .map((v) => {
      const gy = y(v).toFixed(1);
      return `<line class="grid" x1="${L}" x2="${W - R}" y1="${gy}" y2="${gy}"/><text class="axis" x="${L - 4}" y="${gy}" text-anchor="end" dominant-baseline="middle">${escapeHtml(o.format(v))}</text>`;
    })
    .join('');
  const times = `<text class="axis" x="${L}" y="${H - 3}">${clock(o.fromMs)}</text><text class="axis" x="${W - R}" y="${H - 3}" text-anchor="end">${clock(o.toMs)}</text>`;
  const lines = o.series
    .map((s, i) => {
      const { d, drawn } = pathOf(s, x, y);
      return `<path class="series c${i % COLOURS}" d="${d}" data-series="${escapeHtml(s.name)}" data-points="${drawn}"/>`;
    })
    .join('');
  const legend = o.series
    .map((s, i) => {
      const v = latest(s.points);
      return `<span class="c${i % COLOURS}">${escapeHtml(s.name)} ${escapeHtml(v === null ? '—' : o.format(v))}</span>`;
    })
    // Spaces between the items: where the legend may wrap.
    .join(' ');
  return `<figure><figcaption><span>${escapeHtml(o.title)}</span></figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(o.title)}">${grid}${times}${lines}</svg><div class="legend">${legend}</div></figure>`;
}
