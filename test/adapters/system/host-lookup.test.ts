import { unresolvedReason } from '../../../src/adapters/system/host-lookup';

describe('unresolvedReason', () => {
  it.each([['127.0.0.1'], ['::1'], ['10.255.255.1']])('takes the IP literal %s without asking the resolver', async (ip) => {
    expect(await unresolvedReason(ip, 1)).toBeUndefined();
  });

  it('resolves localhost', async () => {
    expect(await unresolvedReason('localhost', 10_000)).toBeUndefined();
  });

  it('says why a name that cannot exist does not resolve (RFC 6761 reserves .invalid)', async () => {
    expect(await unresolvedReason('nosuch.invalid', 10_000)).toMatch(/^(no such host \(ENOTFOUND\)|getaddrinfo EAI_AGAIN nosuch\.invalid|no answer from the DNS resolver within 10000 ms)$/);
  });
});
