import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { HexstreamError } from '../../domain/hexstream-error';

/** The `--input` that names standard input instead of a file. */
export const STDIN = '-';

/** Bytes read in order from a file or a stream; `read` resolves 0 at the end. */
export interface ByteSource {
  /** What the bytes are, for messages: the file's path, or `stdin`. */
  readonly name: string;
  /** The file's size when opened; undefined for a stream. */
  readonly size?: number;
  read(into: Buffer): Promise<number>;
  close(): Promise<void>;
}

export async function fileBytes(path: string): Promise<ByteSource> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new HexstreamError('SOURCE_UNAVAILABLE', `cannot open input ${path}: ${(e as Error).message}`, { cause: e });
  }
  const file = handle;
  const { size } = await file.stat();
  return {
    name: path,
    size,
    read: async (into) => (await file.read(into, 0, into.length, null)).bytesRead,
    close: () => file.close(),
  };
}

/**
 * A stream read chunk by chunk (standard input: a pipe, a file or a terminal). Only what the reader
 * asks for is taken: the stream's own buffer (64 KiB) and one chunk are all it holds, and a writer
 * faster than the pipeline waits on the pipe.
 */
export function streamBytes(name: string, stream: Readable): ByteSource {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let rest: Buffer = Buffer.alloc(0);
  return {
    name,
    read: async (into) => {
      if (rest.length === 0) {
        const next = await chunks.next();
        if (next.done === true) return 0;
        rest = next.value;
      }
      const n = rest.copy(into, 0, 0, Math.min(into.length, rest.length));
      rest = rest.subarray(n);
      return n;
    },
    close: async () => {
      // Stopped before the end: a writer on the other side of a pipe gets EPIPE, not a stall.
      if (!stream.readableEnded) stream.destroy();
    },
  };
}
