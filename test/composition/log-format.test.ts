import 'reflect-metadata';
import { runCli } from '../../src/cli/run-cli';
import type { CliOutput } from '../../src/cli/console-output';
import { createContainer } from '../../src/composition/create-container';
import { resolveTestConfig, type RawFlags } from '../../src/composition/resolve-config';
import { PinoLogger } from '../../src/adapters/pino/pino-logger.adapter';
import { PrettyLogger } from '../../src/adapters/pino/pretty-logger.adapter';
import { LoggerPort } from '../../src/ports/logger.port';

const test = (flags: RawFlags = {}): ReturnType<typeof resolveTestConfig> =>
  resolveTestConfig({ email: 'ops@example.com', ...flags }, '/samples');

async function errors(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const out: CliOutput = { line: () => undefined, error: (text) => (stderr += `${text}\n`) };
  return { code: await runCli(args, out, env), stderr };
}

describe('--log-format', () => {
  it('is pretty or json as given, and left to the terminal when not given', () => {
    expect(test({ logFormat: 'pretty' }).logFormat).toBe('pretty');
    expect(test({ logFormat: 'json' }).logFormat).toBe('json');
    expect(test().logFormat).toBeUndefined();
  });

  it('picks the logger', async () => {
    const pretty = await createContainer('test', test({ logFormat: 'pretty' }));
    const json = await createContainer('test', test({ logFormat: 'json' }));
    expect(pretty.get(LoggerPort)).toBeInstanceOf(PrettyLogger);
    expect(json.get(LoggerPort)).toBeInstanceOf(PinoLogger);
  });

  it('refuses anything else in one line naming the flag or its variable (exit 2)', async () => {
    expect(await errors(['test', 'ops@example.com', '--log-format', 'text'], {})).toEqual({
      code: 2,
      stderr: '--log-format: must be pretty or json, got "text"\n',
    });
    expect(await errors(['batch', 'ops@example.com', '--input', 'x'], { HEXSTREAM_LOG_FORMAT: 'JSON' })).toEqual({
      code: 2,
      stderr: 'HEXSTREAM_LOG_FORMAT: must be pretty or json, got "JSON"\n',
    });
  });
});
