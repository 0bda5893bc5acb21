import { replayDeadLetters, type ReplayOptions, type ReplayOutcome } from '../adapters/kafka/dead-letter-replay';

export type { DeadLetterEntry, ReplayOptions, ReplayOutcome } from '../adapters/kafka/dead-letter-replay';

/** What `replay` reads and sends with, built here so that the command line knows no adapter. */
export const replayIo: { replay(options: ReplayOptions): Promise<ReplayOutcome> } = {
  replay: replayDeadLetters,
};
