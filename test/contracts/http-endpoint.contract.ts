import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { HttpEndpointPort, HttpRequest, HttpRoute } from '../../src/ports/http-endpoint.port';

/** A plain request: status, headers and body as text. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export function ask(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject).end();
  });
}

/** Reads a stream of server-sent events until `enough` says so (at most 5 s), then hangs up. */
export function readEvents(
  url: string,
  enough: (text: string) => boolean,
): Promise<{ headers: Answer['headers']; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => {
        text += s;
        if (enough(text)) {
          req.destroy();
          resolve({ headers: res.headers, text });
        }
      });
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`event stream ${url} did not deliver within 5 s: `)));
    req.on('error', reject).end();
  });
}

/** Holds a port on 127.0.0.1 (0: any free one) until closed. */
export async function holdPort(port = 0): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { port: address.port, server };
}

export async function release(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Waits until `done()` holds, checking every 10 ms for at most 5 s. */
export async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`${what}: not within 5 s`);
}

const LOCAL = { host: '127.0.0.1', port: 0, tryNextPorts: 0 } as const;

/**
 * The contract of an `HttpEndpointPort`: read-only routes on exactly their paths, server-sent
 * events, a bearer token, and the choice of port. Each test listens on a port of its own.
 */
export function httpEndpointContract(name: string, make: () => HttpEndpointPort): void {
  describe(`${name}: the HttpEndpointPort contract`, () => {
    let endpoint: HttpEndpointPort;
    const seen: HttpRequest[] = [];
    const text: HttpRoute = {
      path: '/text',
      handle: (req) => {
        seen.push(req);
        return {
          status: 200,
          contentType: 'text/plain; charset=utf-8',
          body: 'héllo\n',
          headers: { 'x-kind': 'text' },
        };
      },
    };
    const bytes: HttpRoute = {
      path: '/bytes',
      handle: async () => ({ status: 203, contentType: 'application/octet-stream', body: new Uint8Array([0, 1, 255]) }),
    };
    const broken: HttpRoute = {
      path: '/broken',
      handle: () => {
        throw new Error('the route failed');
      },
    };
    const routes = [text, bytes, broken];

    beforeEach(() => {
      endpoint = make();
      seen.length = 0;
    });
    afterEach(async () => {
      await endpoint.close();
    });

    it('serves a route on exactly its path, with its status, type, headers and body; its query as a map', async () => {
      const at = await endpoint.listen(LOCAL, routes);
      expect(at.url).toBe(`http://127.0.0.1:${at.port}/`);
      expect(at.host).toBe('127.0.0.1');

      const a = await ask(`${at.url}text?a=1&b=x%20y&a=2`);
      expect([a.status, a.headers['content-type'], a.headers['x-kind'], a.body]).toEqual([
        200,
        'text/plain; charset=utf-8',
        'text',
        'héllo\n',
      ]);
      expect(seen.map((r) => [r.path, [...r.query]])).toEqual([
        [
          '/text',
          [
            ['a', '1'],
            ['b', 'x y'],
          ],
        ],
      ]);
      const b = await ask(`${at.url}bytes`);
      expect([b.status, b.headers['content-type'], Buffer.from(b.body, 'latin1').length]).toEqual([
        203,
        'application/octet-stream',
        3,
      ]);
    });

    it('answers HEAD with the headers only, 404 on any other path, 405 on any other method', async () => {
      const at = await endpoint.listen(LOCAL, routes);
      const head = await ask(`${at.url}text`, { method: 'HEAD' });
      expect([head.status, head.headers['x-kind'], head.body]).toEqual([200, 'text', '']);
      for (const path of ['', 'text/', 'TEXT', 'nothing', 'text/more'])
        expect([path, (await ask(`${at.url}${path}`)).status]).toEqual([path, 404]);
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const a = await ask(`${at.url}text`, { method });
        expect([method, a.status, a.headers['allow']]).toEqual([method, 405, 'GET, HEAD']);
      }
      // Only the HEAD reached the route.
      expect(seen).toHaveLength(1);
    });

    it('answers 500 when a route throws, and goes on serving', async () => {
      const at = await endpoint.listen(LOCAL, routes);
      const a = await ask(`${at.url}broken`);
      expect([a.status, a.body]).toEqual([500, 'internal error: the route failed\n']);
      expect((await ask(`${at.url}text`)).status).toBe(200);
    });

    it('streams server-sent events, one data line per line, and stops the stream when the client leaves', async () => {
      let stops = 0;
      const events: HttpRoute = {
        path: '/events',
        handle: () => ({
          status: 200,
          open: (send) => {
            send('state', '{"a":1}');
            send('note', 'two\nlines');
            return () => stops++;
          },
        }),
      };
      const at = await endpoint.listen(LOCAL, [events]);
      const got = await readEvents(`${at.url}events`, (t) => t.includes('data: lines\n\n'));
      expect(got.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(got.headers['cache-control']).toBe('no-cache');
      expect(got.text).toBe(': connected\n\nevent: state\ndata: {"a":1}\n\nevent: note\ndata: two\ndata: lines\n\n');
      await until(() => stops === 1, 'the stream stops when its client leaves');
    });

    it('ends open event streams when it closes', async () => {
      let opens = 0;
      let stops = 0;
      const at = await endpoint.listen(LOCAL, [
        {
          path: '/events',
          handle: () => ({
            status: 200,
            open: () => {
              opens++;
              return () => stops++;
            },
          }),
        },
      ]);
      const ended = new Promise<string>((resolve, reject) => {
        httpRequest(`${at.url}events`, (res) => {
          let t = '';
          res.setEncoding('utf8').on('data', (s: string) => (t += s));
          res.on('end', () => resolve(t));
          res.on('error', () => resolve(t));
          res.on('close', () => resolve(t));
        })
          .on('error', reject)
          .end();
      });
      await until(() => opens === 1, 'the stream opens');
      await endpoint.close();
      expect(await ended).toBe(': connected\n\n');
      expect(stops).toBe(1);
    });

    it('with a token, asks it of every route but the health checks, in the header or the query', async () => {
      const health: HttpRoute = {
        path: '/health/ready',
        handle: () => ({ status: 200, contentType: 'application/json', body: '{}' }),
      };
      const at = await endpoint.listen({ ...LOCAL, token: 's3cret-token' }, [...routes, health]);

      const none = await ask(`${at.url}text`);
      expect([none.status, none.headers['www-authenticate']]).toEqual([401, 'Bearer']);
      expect((await ask(`${at.url}text`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await ask(`${at.url}text`, { headers: { authorization: 'Bearer s3cret-token-and-more' } })).status).toBe(
        401,
      );
      expect((await ask(`${at.url}text?token=wrong`)).status).toBe(401);
      expect((await ask(`${at.url}nothing`)).status).toBe(401);
      expect(seen).toEqual([]);

      expect((await ask(`${at.url}text`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
      expect((await ask(`${at.url}text?token=s3cret-token&a=1`)).status).toBe(200);
      // The route never sees the token.
      expect(seen.map((r) => [...r.query])).toEqual([[], [['a', '1']]]);
      expect((await ask(`${at.url}health/ready`)).status).toBe(200);
      for (const a of [none, await ask(`${at.url}text?token=s3cret-token`)])
        expect(JSON.stringify(a)).not.toContain('s3cret-token');
    });

    it('binds only the host it is given', async () => {
      const at = await endpoint.listen(LOCAL, routes);
      expect((await ask(`${at.url}text`)).status).toBe(200);
      // 127.0.0.2 is this machine too, but not the address listened on.
      await expect(ask(`http://127.0.0.2:${at.port}/text`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    });

    it('takes the next free port when told to, and refuses a taken port with HTTP_PORT_BUSY otherwise', async () => {
      const held = await holdPort();
      try {
        await expect(endpoint.listen({ ...LOCAL, port: held.port }, routes)).rejects.toMatchObject({
          code: 'HTTP_PORT_BUSY',
          message: `--http: port ${held.port} is already in use on 127.0.0.1: give another with --http HOST:PORT, or --http off`,
        });
        const at = await endpoint.listen({ ...LOCAL, port: held.port, tryNextPorts: 8 }, routes);
        expect(at.port).toBeGreaterThan(held.port);
        expect(at.port).toBeLessThanOrEqual(held.port + 8);
        expect((await ask(`${at.url}text`)).status).toBe(200);
      } finally {
        await release(held.server);
      }
    });

    it('refuses with HTTP_PORT_BUSY when every port it may try is taken', async () => {
      const [first, second] = await twoPortsInARow();
      try {
        await expect(endpoint.listen({ ...LOCAL, port: first.port, tryNextPorts: 1 }, routes)).rejects.toMatchObject({
          code: 'HTTP_PORT_BUSY',
          message: `--http: ports ${first.port}-${first.port + 1} are already in use on 127.0.0.1: give another with --http HOST:PORT, or --http off`,
        });
      } finally {
        await release(first.server);
        await release(second.server);
      }
    });
  });
}

/** Two consecutive ports held (a few tries: the second may be someone else's). */
async function twoPortsInARow(): Promise<[{ port: number; server: Server }, { port: number; server: Server }]> {
  for (let i = 0; i < 20; i++) {
    const first = await holdPort();
    const second = await holdPort(first.port + 1).catch(() => undefined);
    if (second !== undefined) return [first, second];
    await release(first.server);
  }
  throw new Error('found no two free ports in a row in 20 tries');
}
