import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Paths served without the token: the health checks, so that a Kubernetes probe (which carries no
 * secret) can ask. They say only whether the process serves and whether its jobs are ready. Also
 * the pages' compiled scripts (the console's and the topic browser's): the same code for everyone,
 * no data, and a browser cannot add the token to the module imports of a page it opened with
 * `?token=`.
 */
export function isOpenPath(path: string): boolean {
  return (
    path === '/health/live' ||
    path === '/health/ready' ||
    path.startsWith('/console/assets/') ||
    path.startsWith('/topics/assets/')
  );
}

/**
 * Whether a request presents the token: `Authorization: Bearer <token>`, or `?token=<token>` for a
 * browser (an `EventSource` cannot set headers). Compared in constant time over digests of equal
 * length, so that neither the token's content nor its length leaks through timing.
 */
export function bearerAccepted(authorization: string | undefined, url: string, token: string): boolean {
  const header = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  const query = header === undefined ? new URL(url, 'http://endpoint').searchParams.get('token') : null;
  const presented = header ?? query ?? undefined;
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(token));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
