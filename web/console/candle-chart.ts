import { escapeHtml } from '../shared/escape.js';
import { count, instant, minute, price } from './format.js';
import type { Bar } from './model.js';

const W = 300;
const H = 170;
const L = 56;
const R = 8;
const T = 10;
const B = 18;
/** More slots than this and bars are placed side by side, gaps in time ignored. */
const MAX_SLOTS = 240;
const MIN_SLOTS = 12;

/** The bars' period: the smallest gap between two starts (one minute when there is one bar). */
function periodOf(bars: readonly Bar[]): number {
  let step = Infinity;
  for (let i = 1; i < bars.length; i++) {
    const gap = (bars[i] as Bar).startMs - (bars[i - 1] as Bar).startMs;
    if (gap > 0 && gap < step) step = gap;
  }
  return Number.isFinite(step) ? step : 60_000;
}

function candle(b: Bar, cx: number, width: number, y: (v: number) => number): string {
  const up = b.close >= b.open;
  const top = y(Math.max(b.open, b.close));
  const height = Math.max(1, y(Math.min(b.open, b.close)) - top);
  const tip = `${instant(b.startMs)}  O ${b.open}  H ${b.high}  L ${b.low}  C ${b.close}  V ${count(b.volume)}`;
  const data = `data-start="${b.startMs}" data-open="${b.open}" data-high="${b.high}" data-low="${b.low}" data-close="${b.close}" data-volume="${b.volume}"`;
  return (
    `<g class="candle ${up ? 'up' : 'down'}" ${data}><title>${escapeHtml(tip)}</title>` +
    `<line class="wick" x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y(b.high).toFixed(1)}" y2="${y(b.low).toFixed(1)}"/>` +
    `<rect x="${(cx - width / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${width.toFixed(1)}" height="${height.toFixed(1)}"/></g>`
  );
}

/** A candlestick chart of one symbol's bars (sorted by start), one `g.candle` per bar with its figures as data. */
export function candleChart(symbol: string, bars: readonly Bar[]): string {
  const caption = `<figcaption><span>${escapeHtml(symbol)}</span><span class="now">${bars.length === 0 ? '' : escapeHtml(`close ${price((bars[bars.length - 1] as Bar).close)}`)}</span></figcaption>`;
  if (bars.length === 0) return `<figure data-symbol="${escapeHtml(symbol)}">${caption}</figure>`;
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of bars) {
    lo = Math.min(lo, b.low);
    hi = Math.max(hi, b.high);
  }
  if (hi === lo) {
    hi += Math.max(1, Math.abs(hi) * 0.01);
    lo -= Math.max(1, Math.abs(lo) * 0.01);
  }
  const y = (v: number): number => T + ((hi - v) / (hi - lo)) * (H - T - B);
  const first = (bars[0] as Bar).startMs;
  const step = periodOf(bars);
  const byTime = (bars[bars.length - 1] as Bar).startMs - first;
  const slots = byTime / step + 1 <= MAX_SLOTS ? Math.round(byTime / step) + 1 : bars.length;
  // At least MIN_SLOTS wide, so that a few bars stay narrow; the newest bar at the right edge.
  const shown = Math.max(slots, MIN_SLOTS);
  const slot = (W - L - R) / shown;
  const cx = (b: Bar, i: number): number =>
    L + slot * (shown - slots + (slots === bars.length ? i : Math.round((b.startMs - first) / step)) + 0.5);
  const body = bars.map((b, i) => candle(b, cx(b, i), Math.max(1, slot * 0.6), y)).join('');
  const axis =
    `<line class="grid" x1="${L}" x2="${W - R}" y1="${T}" y2="${T}"/><line class="grid" x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}"/>` +
    `<text class="axis" x="${L - 4}" y="${T}" text-anchor="end" dominant-baseline="middle">${escapeHtml(price(hi))}</text>` +
    `<text class="axis" x="${L - 4}" y="${H - B}" text-anchor="end" dominant-baseline="middle">${escapeHtml(price(lo))}</text>` +
    // The first bar's time, unless it would run into the last one's.
    (W - R - cx(bars[0] as Bar, 0) > 80
      ? `<text class="axis" x="${cx(bars[0] as Bar, 0).toFixed(1)}" y="${H - 3}" text-anchor="middle">${minute(first)}</text>`
      : '') +
    `<text class="axis" x="${W - R}" y="${H - 3}" text-anchor="end">${minute((bars[bars.length - 1] as Bar).startMs)} UTC</text>`;
  return `<figure class="candle-chart" data-symbol="${escapeHtml(symbol)}">${caption}<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(`${symbol} one-minute bars`)}">${axis}${body}</svg></figure>`;
}
