import type { LogContext } from '../../ports/logger.port';

const SECRET_KEY = /pass(word)?|secret|token|credential/i;
/**
 * `scheme://user:PASSWORD@`: the password runs to the last `@` before the host, so an unencoded
 * `@` in it (`root:p@ss@host`, which URL parsers accept) is masked whole.
 */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^/\s]*@/gi;
const TYPED_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^/\s]*)@/i;
/**
 * Shorter secrets are not masked where they stand alone: a three-letter password would turn every
 * word holding those letters into `***`. Inside URLs they are masked whatever their length.
 */
export const MIN_BARE_SECRET_CHARS = 4;

/** Masks passwords in URLs (`mysql://u:***@h`) and values of keys that name a secret. */
export function redactSecrets(
  context: LogContext | undefined,
  redact: (text: string) => string = redactUrl,
): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  if (context === undefined) return out;
  for (const [k, v] of Object.entries(context)) {
    if (SECRET_KEY.test(k) && v !== undefined) out[k] = '***';
    else out[k] = typeof v === 'string' ? redact(v) : v;
  }
  return out;
}

export function redactUrl(text: string): string {
  return text.replace(URL_PASSWORD, '$1***@');
}

/**
 * The passwords of service URLs (`--mysql`, `--postgres`, `--smtp`, or their HEXSTREAM_*
 * variables), as typed and percent-decoded: drivers see the decoded form and may echo it. A URL
 * that does not parse still gives up what stands between `user:` and its last `@`.
 */
export function passwordsOf(urls: ReadonlyArray<string | undefined>): string[] {
  const out = new Set<string>();
  for (const url of urls) {
    if (url === undefined) continue;
    let parsed: string | undefined;
    try {
      parsed = new URL(url).password;
    } catch {
      parsed = undefined;
    }
    for (const form of [TYPED_PASSWORD.exec(url)?.[1], parsed]) {
      if (form === undefined || form === '') continue;
      out.add(form);
      try {
        out.add(decodeURIComponent(form));
      } catch {
        // A malformed escape: the typed form is all there is.
      }
    }
  }
  return [...out];
}

/**
 * A function that masks URL passwords and every occurrence of `secrets` (those of at least
 * {@link MIN_BARE_SECRET_CHARS} characters) with `***`. Longer secrets go first, so one that
 * contains another is masked whole.
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const bare = [...new Set(secrets)]
    .filter((s) => s.length >= MIN_BARE_SECRET_CHARS)
    .sort((a, b) => b.length - a.length);
  if (bare.length === 0) return redactUrl;
  return (text) => {
    let out = redactUrl(text);
    for (const secret of bare) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  };
}
