import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HttpBody, HttpRoute } from '../../ports/http-endpoint.port';

/**
 * The compiled pages (`npm run build` → `dist/web`), found from this file whether it runs from
 * `src/adapters/topics` (ts-jest) or `dist/adapters/topics`: both are three levels under the root.
 */
export const WEB_DIR = resolve(__dirname, '..', '..', '..', 'dist', 'web');

/**
 * The page's shell; everything in it is drawn by `web/topics/topics.ts` from the JSON routes. Its
 * scripts are served under `/topics/`, so that the import of `../shared/escape.js` stays under it.
 */
const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hexstream · topics</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 10px 16px; font-weight: 600; }
main { display: grid; grid-template-columns: 280px 1fr; gap: 16px; padding: 16px; }
nav ul { list-style: none; margin: 0; padding: 0; }
nav li button { width: 100%; text-align: left; padding: 6px 8px; border: 0; background: none; cursor: pointer; border-radius: 4px; }
nav li button.current { background: #dde3f0; }
nav .count { float: right; color: #667; }
form { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 12px; }
label { display: flex; flex-direction: column; font-size: 12px; color: #556; }
input, select, button.action { font: inherit; padding: 4px 6px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #e3e6ec; padding: 6px 8px; vertical-align: top; text-align: left; }
td pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font: 12px/1.35 ui-monospace, monospace; max-height: 24em; overflow: auto; }
td.value { min-width: 22em; }
td.headers { max-width: 34em; overflow-wrap: anywhere; }
.binary { color: #8a3b00; }
.note, .empty { color: #667; font-size: 12px; }
.error { color: #b00020; }
.reason { font-weight: 600; }
</style>
</head>
<body>
<header>hexstream · topic browser</header>
<main>
<nav><ul id="topics"><li class="note">loading…</li></ul></nav>
<section id="browser"><p class="note">Pick a topic.</p></section>
</main>
<script type="module" src="/topics/assets/topics/topics.js"></script>
</body>
</html>
`;

export const TOPICS_PAGE: HttpBody = {
  status: 200,
  contentType: 'text/html; charset=utf-8',
  body: PAGE_HTML,
  headers: { 'cache-control': 'no-store' },
};

/**
 * A route for each compiled script of the page (`web/topics/*`) and of what it imports
 * (`web/shared/*`), read once: `/topics/assets/topics/<file>.js` and `/topics/assets/shared/<file>.js`. None when
 * the pages are not built (the page then says so: its script fails to load).
 */
export function pageAssetRoutes(webDir: string = WEB_DIR): HttpRoute[] {
  return ['topics', 'shared'].flatMap((folder) => {
    const dir = join(webDir, folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((file) => {
        const body: HttpBody = {
          status: 200,
          contentType: 'text/javascript; charset=utf-8',
          body: readFileSync(join(dir, file), 'utf8'),
        };
        return { path: `/topics/assets/${folder}/${file}`, handle: () => body };
      });
  });
}
