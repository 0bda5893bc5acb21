import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The obvious design's ceiling: readline + JSON.parse over the file, nothing else. */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: baseline-readline FILE');
  const started = process.hrtime.bigint();
  let lines = 0;
  let parsed = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    lines++;
    try {
      JSON.parse(line);
      parsed++;
    } catch {
      // malformed lines count as read
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ lines, parsed, seconds, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exitCode = 1;
});
