import type { ServiceIdentifier } from 'inversify';

/** How far a run has read its input, for a progress display. */
export interface InputProgress {
  /** Records handed to the pipeline so far (re-reads included). */
  readonly records: number;
  /** Bytes read from the input so far (read ahead in chunks: may lead the records by one chunk). */
  readonly bytesRead: number;
  /** The input's size when it is known at the start (files); undefined for a stream (standard input). */
  readonly bytesTotal: number | undefined;
}

/** A source that can tell how far it has read (files). Cheap: read several times a second. */
export interface InputProgressPort {
  inputProgress(): InputProgress;
}

export const InputProgressPort: ServiceIdentifier<InputProgressPort> = Symbol.for('hexstream.InputProgressPort');
