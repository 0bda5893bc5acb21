import { CONFIG_PATTERNS } from './config-patterns';
import { invalid } from './config-values';
import type { RawFlags } from './raw-flags';

/** `--mysql` (default) or `--postgres`, checked. */
export function database(flags: RawFlags): { mysqlUrl: string; postgresUrl: string | undefined } {
  const mysqlUrl = flags.mysql ?? 'mysql://root@127.0.0.1:3306/hexstream';
  checkUrl('--mysql', mysqlUrl, ['mysql:', 'mariadb:'], CONFIG_PATTERNS.mysqlDatabase);
  if (flags.postgres !== undefined) {
    if (flags.mysql !== undefined)
      throw invalid('--postgres', 'give --mysql or --postgres, not both: a job writes to one database');
    checkUrl('--postgres', flags.postgres, ['postgres:', 'postgresql:'], CONFIG_PATTERNS.postgresDatabase);
  }
  return { mysqlUrl, postgresUrl: flags.postgres };
}

/**
 * Checks a service URL without ever echoing its password: a database URL's path must be a database
 * name matching `database` (taken as typed: a percent-escape is refused, not decoded); a URL
 * without a database (`--smtp`) takes no path, query or fragment.
 */
export function checkUrl(flag: string, text: string, protocols: readonly string[], database: RegExp | undefined): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(flag, 'not a valid URL');
  }
  if (!protocols.includes(url.protocol))
    throw invalid(flag, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  if (url.hostname === '') throw invalid(flag, 'names no host');
  if (database === undefined) {
    if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '')
      throw invalid(flag, 'takes no path, query or fragment');
    return;
  }
  const db = url.pathname.replace(/^\//, '');
  if (!database.test(db)) throw invalid(flag, `database name must match ${database.source}, got ${JSON.stringify(db)}`);
}
