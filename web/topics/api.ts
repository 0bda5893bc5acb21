export type { BytesView, MessagePage, MessageView, PartitionOffsets, TopicEntry } from './wire.js';

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
