import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyEndpoint } from '../../../src/adapters/http/fastify-endpoint.adapter';
import { consolePart } from '../../../src/composition/console-part';

describe('the console on the endpoint, behind a token', () => {
  let webDir: string;
  const endpoint = new FastifyEndpoint();
  const part = (): ReturnType<typeof consolePart> =>
    consolePart({ webDir, clock: { now: () => 0, every: () => () => undefined } });

  beforeAll(() => {
    webDir = mkdtempSync(join(tmpdir(), 'hexstream-console-'));
    mkdirSync(join(webDir, 'console'));
    writeFileSync(join(webDir, 'console', 'main.js'), 'export {};\n');
  });
  afterAll(async () => {
    await endpoint.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('asks the token of the page and the data, not of the scripts the page loads', async () => {
    const at = await endpoint.listen({ host: '127.0.0.1', port: 0, tryNextPorts: 0, token: 'tok-1' }, part().routes);
    const status = async (path: string): Promise<number> => (await fetch(`${at.url}${path}`)).status;
    expect({
      page: await status(''),
      pageWithToken: await status('?token=tok-1'),
      data: await status('api/console'),
      dataWithToken: await status('api/console?token=tok-1'),
      script: await status('console/assets/console/main.js'),
    }).toEqual({ page: 401, pageWithToken: 200, data: 401, dataWithToken: 200, script: 200 });
  });
});
