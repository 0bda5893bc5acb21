import { redactor } from '../../domain/redaction/redact';
import type { HttpFeedToken } from './http-poll-options';

/**
 * The URL a request goes to: `url` with `name=token` appended to its query, when that is where the
 * token goes. The query as given is kept byte for byte (re-serializing it would turn `AAPL,MSFT`
 * into `AAPL%2CMSFT`, which not every server reads the same).
 */
export function requestUrl(url: URL, token: HttpFeedToken | undefined): URL {
  const out = new URL(url.href);
  if (token?.placement.in !== 'query') return out;
  const pair = `${encodeURIComponent(token.placement.name)}=${encodeURIComponent(token.value)}`;
  out.search = url.search === '' || url.search === '?' ? `?${pair}` : `${url.search}&${pair}`;
  return out;
}

/** The token's header, when that is where it goes. */
export function tokenHeaders(token: HttpFeedToken | undefined): Record<string, string> {
  return token?.placement.in === 'header' ? { [token.placement.name]: token.value } : {};
}

/**
 * A function masking the token with `***` in what the feed reports: a server may echo the request
 * (its URL with the query, or its headers) in an error body, and bodies become dead letters. The
 * token is masked as given and in its URL-encoded forms, as a server may echo either.
 */
export function tokenMask(token: HttpFeedToken | undefined): (text: string) => string {
  if (token === undefined) return (text) => text;
  const query = new URLSearchParams({ t: token.value }).toString().slice('t='.length);
  return redactor([token.value, encodeURIComponent(token.value), query]);
}
