import { createServer, type AddressInfo } from 'node:net';
import globalSetup from '../global-setup';

/** The tests' global setup with a broker the user names (HEXSTREAM_TEST_BROKERS): used as it is, nothing started. */
describe('test/global-setup.ts with HEXSTREAM_TEST_BROKERS', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['HEXSTREAM_TEST_BROKERS', 'HEXSTREAM_BROKERS', 'HEXSTREAM_KAFKA_PORT', 'HEXSTREAM_KAFKA_DATA']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('hands the named broker to the tests and the CLI runs (HEXSTREAM_BROKERS) and starts none', async () => {
    const running = saved['HEXSTREAM_BROKERS'] ?? '';
    expect(running).not.toBe('');
    process.env['HEXSTREAM_TEST_BROKERS'] = ` ${running} `;
    process.env['HEXSTREAM_BROKERS'] = 'elsewhere:1';
    delete process.env['HEXSTREAM_KAFKA_PORT'];
    await globalSetup();
    expect({ brokers: process.env['HEXSTREAM_BROKERS'], port: process.env['HEXSTREAM_KAFKA_PORT'] }).toEqual({
      brokers: running,
      port: undefined,
    });
  });

  it('fails with a message naming the variable when nothing answers there', async () => {
    // A port that was free a moment ago: nothing listens on it now.
    const server = createServer();
    const port = await new Promise<number>((done) =>
      server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
    );
    await new Promise((closed) => server.close(closed));
    process.env['HEXSTREAM_TEST_BROKERS'] = `127.0.0.1:${port}`;
    await expect(globalSetup()).rejects.toThrow(
      `HEXSTREAM_TEST_BROKERS=127.0.0.1:${port}: the broker does not answer (Connection error: connect ECONNREFUSED 127.0.0.1:${port}); start it, or unset the variable to let the tests run a broker of their own`,
    );
  });
});
