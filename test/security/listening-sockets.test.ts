import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { relative, resolve } from 'node:path';
import { FastifyEndpoint } from '../../src/adapters/http/fastify-endpoint.adapter';
import { resolveHttpSettings } from '../../src/composition/http-settings';
import { tsFiles } from '../support/ts-files';
import { isIpv4Loopback, listeningSocketsOf } from '../support/listening-sockets';
import { startTestSmtpServer } from '../support/test-smtp-server';

/**
 * Whatever the project or its tests make listen binds 127.0.0.1: nothing is reachable from
 * another machine. Read from the kernel's socket tables, not from configuration. (The Kafka broker's
 * sockets: test/scripts/kafka-script.int.test.ts, on the broker it starts.)
 */
describe('listening sockets', () => {
  it('reads listening sockets as the kernel has them (any address, IPv4 loopback, IPv6 wildcard)', async () => {
    const servers = [createServer(), createServer(), createServer()];
    const listenOn = (i: number, host: string): Promise<number> =>
      new Promise((done) => {
        const s = servers[i];
        if (s === undefined) throw new Error('no server');
        s.listen(0, host, () => done((s.address() as AddressInfo).port));
      });
    try {
      const loop = await listenOn(0, '127.0.0.1');
      const any4 = await listenOn(1, '0.0.0.0');
      const any6 = await listenOn(2, '::');
      const mine = listeningSocketsOf(process.pid).filter((s) => [loop, any4, any6].includes(s.port));
      expect(mine).toEqual(
        [
          { address: '127.0.0.1', port: loop },
          { address: '0.0.0.0', port: any4 },
          { address: '::', port: any6 },
        ].sort((a, b) => a.port - b.port),
      );
      expect(mine.map((s) => isIpv4Loopback(s.address))).toEqual(mine.map((s) => s.port === loop));
    } finally {
      for (const s of servers) s.close();
    }
  });

  it('the test SMTP server listens on 127.0.0.1 only', async () => {
    const smtp = await startTestSmtpServer('u@example.com', 'secret-pass');
    try {
      expect(listeningSocketsOf(process.pid).filter((s) => s.port === smtp.port)).toEqual([
        { address: '127.0.0.1', port: smtp.port },
      ]);
    } finally {
      await smtp.close();
    }
  });

  it('src starts one server, the HTTP endpoint: its adapter listens, the composition starts it; nothing else does', () => {
    const root = resolve(__dirname, '..', '..', 'src');
    const listening = tsFiles(root)
      .filter((f) => /\.listen\(|createServer\(|createSocket\(|new SMTPServer\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f))
      .sort();
    expect(listening).toEqual(['adapters/http/fastify-endpoint.adapter.ts', 'composition/http-endpoint.ts']);
  });

  it('the HTTP endpoint at its default address listens on 127.0.0.1 only', async () => {
    const options = resolveHttpSettings({}, 'prod');
    if (options === undefined) throw new Error('prod serves the endpoint by default');
    const endpoint = new FastifyEndpoint();
    const address = await endpoint.listen(options, []);
    try {
      expect(address.host).toBe('127.0.0.1');
      expect(listeningSocketsOf(process.pid).filter((s) => s.port === address.port)).toEqual([
        { address: '127.0.0.1', port: address.port },
      ]);
    } finally {
      await endpoint.close();
    }
  });
});
