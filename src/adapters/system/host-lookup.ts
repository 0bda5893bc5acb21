import { spawn } from 'node:child_process';
import { isIP } from 'node:net';

/**
 * Resolves host names in a child process, one JSON line per name as its answer comes:
 * `[index, null]` when it resolved, `[index, "why not"]` when it did not.
 */
const RESOLVER = `
const dns = require('node:dns/promises');
const hosts = JSON.parse(process.argv[1]);
const say = (i, why) => process.stdout.write(JSON.stringify([i, why]) + '\\n');
hosts.forEach((host, i) => dns.lookup(host).then(
  () => say(i, null),
  (e) => say(i, e.code === 'ENOTFOUND' ? 'no such host (ENOTFOUND)' : String(e.message) + (e.code && !String(e.message).includes(e.code) ? ' (' + e.code + ')' : '')),
));
`;

/**
 * Why each of `hosts` does not resolve (`undefined` for those that do; IP literals always do), all
 * within `timeoutMs`, through the system's resolver as the drivers use it (getaddrinfo: hosts file,
 * DNS, search domains).
 *
 * Why ask before any driver does, and why in a child process: getaddrinfo runs on libuv's thread
 * pool (4 threads) and cannot be cancelled. A driver's connect timeout abandons its attempt, not
 * the lookup, so against a resolver that does not answer each retry leaves a thread blocked for
 * the resolver's whole timeout (seconds to minutes, times its search domains). File writes (the
 * alert's .eml) queue behind them, and even `process.exit` waits: at exit libuv joins its threads.
 *
 *   kafkajs in-process: attempt 1 … 6 ─▶ getaddrinfo ×6 ─▶ [ 4 threads blocked for T ] ◀─ fs, exit wait
 *   here:               child process ─▶ getaddrinfo   ─▶ answered, or the child is killed at timeoutMs
 *
 * A name that does not exist fails here at once, with the resolver's own code, instead of after
 * the drivers' retries. `env` is the resolver process's environment (`NODE_OPTIONS` reaches it).
 */
export async function unresolvedReasons(
  hosts: readonly string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Array<string | undefined>> {
  const reasons: Array<string | undefined> = hosts.map(() => undefined);
  const pending = new Set(hosts.flatMap((h, i) => (isIP(h) === 0 ? [i] : [])));
  if (pending.size === 0) return reasons;
  const names = hosts.map((h, i) => (pending.has(i) ? h : ''));
  let unanswered = `no answer from the DNS resolver within ${timeoutMs} ms`;
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ['-e', RESOLVER, JSON.stringify(names)], {
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const finish = (): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const answer = parseAnswer(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        if (answer === undefined || !pending.delete(answer[0])) continue;
        reasons[answer[0]] = answer[1];
        if (pending.size === 0) finish();
      }
    });
    child.on('error', (e) => {
      unanswered = `cannot run the resolver: ${e.message}`;
      finish();
    });
    // After its output: every answer it gave has been read.
    child.on('close', () => {
      if (pending.size > 0) unanswered = 'the resolver ended without an answer';
      finish();
    });
  });
  for (const i of pending) reasons[i] = unanswered;
  return reasons;
}

/** `[index, why not]` from one line of the resolver (`undefined` why: it resolved); `undefined` for any other line. */
function parseAnswer(line: string): [number, string | undefined] | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (!Array.isArray(value) || typeof value[0] !== 'number') return undefined;
    const why: unknown = value[1];
    return [value[0], typeof why === 'string' ? why : undefined];
  } catch {
    return undefined;
  }
}
