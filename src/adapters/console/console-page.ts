import { createHash } from 'node:crypto';

/** Where the compiled browser code is served from: `ASSETS_PREFIX + 'console/main.js'`. */
export const ASSETS_PREFIX = '/console/assets/';

const STYLE = `
:root { color-scheme: dark; --bg: #14171c; --panel: #1c2027; --line: #2c323c; --text: #d9dee6; --dim: #8b95a5;
  --accent: #5aa9ff; --up: #3fbf7f; --down: #ef5f5f; --warn: #e5b443; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 13px/1.4 system-ui, sans-serif; }
header.top { display: flex; gap: 16px; align-items: baseline; padding: 10px 16px; border-bottom: 1px solid var(--line); }
header.top h1 { font-size: 16px; margin: 0; }
#connection { color: var(--dim); }
#connection.live { color: var(--up); }
#connection.lost { color: var(--down); }
main { padding: 12px 16px; display: grid; gap: 16px; }
section.job { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
section.job > h2 { font-size: 15px; margin: 0 0 2px; }
.sub { color: var(--dim); margin-bottom: 8px; overflow-wrap: anywhere; }
.badge { font-size: 11px; padding: 1px 6px; border-radius: 8px; border: 1px solid var(--line); margin-left: 6px; }
.badge.running { color: var(--up); } .badge.failed, .badge.alert { color: var(--down); } .badge.stopped, .badge.completed { color: var(--dim); }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: 6px; margin-bottom: 10px; }
.stat { background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 4px 8px; }
.stat .label { color: var(--dim); font-size: 11px; } .stat .value { font-size: 16px; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 10px; margin-bottom: 10px; }
figure { margin: 0; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 6px; }
figcaption { color: var(--dim); font-size: 11px; display: flex; justify-content: space-between; gap: 8px; }
figcaption .now { color: var(--text); font-variant-numeric: tabular-nums; }
svg { display: block; width: 100%; height: auto; }
svg text { font-size: 10px; fill: var(--text); } svg text.axis { fill: var(--dim); }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .series { fill: none; stroke: currentColor; stroke-width: 1.5; }
.c0 { color: #5aa9ff; } .c1 { color: #3fbf7f; } .c2 { color: #e5b443; } .c3 { color: #ef5f5f; }
.c4 { color: #b58cff; } .c5 { color: #4fd1c5; } .c6 { color: #ff8fb1; } .c7 { color: #a3be8c; }
svg .wick { stroke-width: 1; } svg .up { fill: var(--up); stroke: var(--up); } svg .down { fill: var(--down); stroke: var(--down); }
.legend { font-size: 11px; font-variant-numeric: tabular-nums; } .legend span { margin-right: 10px; white-space: nowrap; }
h3 { font-size: 13px; margin: 12px 0 6px; color: var(--dim); font-weight: 600; }
.candles { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; white-space: nowrap; }
th { color: var(--dim); font-weight: 600; font-size: 11px; }
td.raw, td.detail { white-space: normal; overflow-wrap: anywhere; min-width: 160px; max-width: 420px; }
td.raw { font-family: ui-monospace, monospace; font-size: 12px; }
.tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 12px; }
.scroll { overflow-x: auto; }
.empty { color: var(--dim); font-style: italic; }
`;

/** The console's page: an empty shell that `console/main.js` fills from `/api/live`. */
export function consolePage(): { html: string; contentSecurityPolicy: string } {
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hexstream console</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
<script type="module" src="${ASSETS_PREFIX}console/main.js"></script>
</head>
<body>
<header class="top"><h1>hexstream console</h1><span id="connection">connecting…</span><span id="clock"></span></header>
<main id="jobs"><p class="empty">No job has started yet.</p></main>
</body>
</html>
`;
  // Only this page's own style and scripts of the same origin; data only from the same origin.
  const contentSecurityPolicy = [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'sha256-${styleHash}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}
