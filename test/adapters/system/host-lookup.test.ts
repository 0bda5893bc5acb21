import { resolve } from 'node:path';
import { unresolvedReasons } from '../../../src/adapters/system/host-lookup';

const STALLED_DNS = resolve(__dirname, '..', '..', 'support', 'stalled-dns.cjs');
/** What a resolver may answer for a name that does not exist, depending on the machine's resolver. */
const NOT_FOUND =
  /^(no such host \(ENOTFOUND\)|getaddrinfo EAI_AGAIN nosuch\.invalid|no answer from the DNS resolver within 10000 ms)$/;

describe('unresolvedReasons', () => {
  it('takes IP literals without asking the resolver', async () => {
    expect(await unresolvedReasons(['127.0.0.1', '::1', '10.255.255.1'], 1)).toEqual([undefined, undefined, undefined]);
  });

  it('answers for each name in its place: localhost resolves, a reserved .invalid name does not (RFC 6761)', async () => {
    const [ip, local, none] = await unresolvedReasons(['127.0.0.1', 'localhost', 'nosuch.invalid'], 10_000);
    expect({ ip, local }).toEqual({ ip: undefined, local: undefined });
    expect(none).toMatch(NOT_FOUND);
  });

  it('gives up on a resolver that never answers, and names only the names it did not answer for', async () => {
    // The resolver runs in a child process, which takes the preload from its environment.
    const env = { ...process.env, NODE_OPTIONS: `--require ${STALLED_DNS}` };
    expect(await unresolvedReasons(['localhost', 'nosuch.invalid', 'other.invalid'], 2_000, env)).toEqual([
      undefined,
      'no answer from the DNS resolver within 2000 ms',
      'no answer from the DNS resolver within 2000 ms',
    ]);
  });
});
