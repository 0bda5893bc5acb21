/** The shapes `/api/topics` and `/api/messages` answer with (src/adapters/topics/topic-routes.ts). */

export interface PartitionOffsets {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

export interface TopicEntry {
  readonly name: string;
  readonly deadLetter: boolean;
  readonly messages: number;
  readonly partitions: readonly PartitionOffsets[];
}

export interface BytesView {
  readonly format: 'json' | 'text' | 'binary';
  readonly text: string;
  readonly bytes: number;
  readonly truncated: boolean;
}

export interface MessageView {
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly timestamp: string | null;
  readonly key: BytesView | null;
  readonly value: BytesView | null;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: BytesView }>;
}

export interface MessagePage {
  readonly topic: string;
  readonly partition: number;
  readonly limit: number;
  readonly reason?: string;
  readonly low: number;
  readonly high: number;
  readonly scanned: number;
  readonly next: number;
  readonly messages: readonly MessageView[];
}

/** GETs a JSON route; a failure answer (`{ error }`) becomes an Error with its message. */
export async function getJson<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  // An endpoint behind a token was opened as `/topics?token=…`: its data routes need it too.
  const token = new URLSearchParams(location.search).get('token');
  const search = new URLSearchParams(token === null ? query : { ...query, token }).toString();
  const response = await fetch(search === '' ? path : `${path}?${search}`);
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}
