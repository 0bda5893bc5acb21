import { resolve } from 'node:path';
import { createContainer } from '../composition/create-container';
import { resolveTestConfig, type RawFlags } from '../composition/resolve-config';
import type { CliOutput } from './console-output';
import { runJob } from './run-job';

/** Folder of the shipped samples (next to dist/ and src/). */
export function samplesDir(): string {
  return resolve(__dirname, '..', '..', 'samples');
}

/** `hexstream test <email>`: runs the job over files and prints a summary. */
export async function testCommand(flags: RawFlags, out: CliOutput): Promise<number> {
  const config = resolveTestConfig(flags, samplesDir());
  const container = await createContainer('test', config);
  await runJob(container, config, [config.output, config.deadLetter], out);
  return 0;
}
