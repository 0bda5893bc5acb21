import { FastifyEndpoint } from '../../../src/adapters/http/fastify-endpoint.adapter';
import { httpEndpointContract, readEvents } from '../../contracts/http-endpoint.contract';

httpEndpointContract('FastifyEndpoint', () => new FastifyEndpoint());

describe('FastifyEndpoint: event streams', () => {
  it('sends a keep-alive comment while a stream is idle', async () => {
    const endpoint = new FastifyEndpoint({ keepAliveMs: 20 });
    try {
      const at = await endpoint.listen({ host: '127.0.0.1', port: 0, tryNextPorts: 0 }, [
        { path: '/idle', handle: () => ({ status: 200, open: () => () => undefined }) },
      ]);
      const got = await readEvents(`${at.url}idle`, (t) => t.split(': keep-alive\n\n').length >= 3);
      expect(got.text.startsWith(': connected\n\n: keep-alive\n\n: keep-alive\n\n')).toBe(true);
    } finally {
      await endpoint.close();
    }
  });
});
