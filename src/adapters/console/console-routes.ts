import type { HttpBody, HttpEventStream, HttpRoute } from '../../ports/http-endpoint.port';
import { ASSETS_PREFIX, consolePage } from './console-page';
import type { ConsoleUpdate } from './console-view';
import type { LiveFeed } from './live-feed.adapter';
import type { WebAsset } from './web-assets';

const JSON_TYPE = 'application/json; charset=utf-8';
const NO_STORE = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

/** What `/` answers when the browser code was not built: the page would load nothing. */
function notBuilt(): HttpBody {
  return {
    status: 503,
    contentType: 'text/plain; charset=utf-8',
    body: 'The console is not built: run `npm run build` (it compiles web/ into dist/web).\n',
    headers: NO_STORE,
  };
}

/**
 * The console's routes: `/` (the page), its compiled scripts under `ASSETS_PREFIX`, `/api/console`
 * (the whole state as JSON, once) and `/api/live` (server-sent events: `state` with the whole
 * state on connect, then `update` at every tick of the feed).
 */
export function consoleRoutes(feed: LiveFeed, assets: readonly WebAsset[]): HttpRoute[] {
  const page = consolePage();
  const built = assets.some((a) => a.path === 'console/main.js');
  const index: HttpRoute = {
    path: '/',
    handle: () =>
      built
        ? {
            status: 200,
            contentType: 'text/html; charset=utf-8',
            body: page.html,
            headers: { ...NO_STORE, 'Content-Security-Policy': page.contentSecurityPolicy },
          }
        : notBuilt(),
  };
  const files: HttpRoute[] = assets.map((a) => ({
    path: `${ASSETS_PREFIX}${a.path}`,
    handle: () => ({ status: 200, contentType: a.contentType, body: a.body, headers: NO_STORE }),
  }));
  const api: HttpRoute = {
    path: '/api/console',
    handle: () => ({ status: 200, contentType: JSON_TYPE, body: JSON.stringify(feed.state()), headers: NO_STORE }),
  };
  return [index, ...files, api, liveRoute(feed)];
}

function liveRoute(feed: LiveFeed): HttpRoute {
  // Each tick's update is encoded once, however many clients listen.
  let encoded: { update: ConsoleUpdate; json: string } | undefined;
  const encode = (update: ConsoleUpdate): string => {
    if (encoded?.update !== update) encoded = { update, json: JSON.stringify(update) };
    return encoded.json;
  };
  return {
    path: '/api/live',
    handle: (): HttpEventStream => ({
      status: 200,
      open: (send) => {
        send('state', JSON.stringify(feed.state()));
        return feed.subscribe((update) => send('update', encode(update)));
      },
    }),
  };
}
