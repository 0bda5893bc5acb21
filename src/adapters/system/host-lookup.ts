import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { withDeadline } from './deadline';

/**
 * Why `host` does not resolve, or `undefined` when it does (an IP literal always does), within
 * `timeoutMs`.
 *
 * Why look a name up once before any driver does: drivers resolve the name on every connection
 * attempt through getaddrinfo, which runs on libuv's thread pool (4 threads) and cannot be
 * cancelled. A connect timeout abandons the attempt, not its lookup, so against a resolver that
 * does not answer each retry leaves a thread blocked for the resolver's whole timeout (seconds
 * to minutes, times its search domains); file writes (the alert's .eml) queue behind them and
 * the process cannot exit before they return:
 *
 *   kafkajs: attempt 1 … attempt 6 ─▶ getaddrinfo ×6 ─▶ [ 4 threads, each blocked for T ] ◀─ fs waits
 *   here:    one lookup, raced with a timer          ─▶ [ 1 thread at most ]
 *
 * A name that does not exist fails here at once, with the resolver's own code.
 */
export async function unresolvedReason(host: string, timeoutMs: number): Promise<string | undefined> {
  if (isIP(host) !== 0) return undefined;
  const answer = lookup(host).then(
    () => undefined,
    (e: unknown) => {
      const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
      if (code === 'ENOTFOUND') return 'no such host (ENOTFOUND)';
      const message = e instanceof Error ? e.message : String(e);
      return code === undefined || message.includes(code) ? message : `${message} (${code})`;
    },
  );
  return withDeadline(answer, timeoutMs, () => `no answer from the DNS resolver within ${timeoutMs} ms`);
}
