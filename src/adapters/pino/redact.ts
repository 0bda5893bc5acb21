import type { LogContext } from '../../ports/logger.port';

const SECRET_KEY = /pass(word)?|secret|token|credential/i;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/gi;

/** Masks passwords in URLs (`mysql://u:***@h`) and values of keys that name a secret. */
export function redactSecrets(context: LogContext | undefined): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  if (context === undefined) return out;
  for (const [k, v] of Object.entries(context)) {
    if (SECRET_KEY.test(k) && v !== undefined) out[k] = '***';
    else out[k] = typeof v === 'string' ? redactUrl(v) : v;
  }
  return out;
}

export function redactUrl(text: string): string {
  return text.replace(URL_PASSWORD, '$1***@');
}
