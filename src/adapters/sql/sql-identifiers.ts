import { HexstreamError } from '../../domain/hexstream-error';

/**
 * The names hexstream puts into SQL as identifiers (database, table and column names) must be
 * plain: an ASCII letter or `_`, then letters, digits and `_`. Such a name needs no quoting and
 * can hold no quote, backtick, dot, space, semicolon or comment to escape from one; it is still
 * quoted (`name` for MySQL, "name" for PostgreSQL), so that a reserved word works too.
 *
 *   MySQL / MariaDB   at most 64 characters (the server's limit for identifiers)
 *   PostgreSQL        at most 63 characters (NAMEDATALEN − 1; longer names are cut silently)
 */
export const MYSQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const POSTGRES_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** How one database spells its identifiers: which names it takes and how it quotes them. */
export interface IdentifierRule {
  readonly database: 'MySQL' | 'PostgreSQL';
  readonly pattern: RegExp;
  readonly quote: '`' | '"';
  readonly maxLength: number;
}

export const MYSQL_IDENTIFIERS: IdentifierRule = {
  database: 'MySQL',
  pattern: MYSQL_IDENTIFIER,
  quote: '`',
  maxLength: 64,
};
export const POSTGRES_IDENTIFIERS: IdentifierRule = {
  database: 'PostgreSQL',
  pattern: POSTGRES_IDENTIFIER,
  quote: '"',
  maxLength: 63,
};

/** `name` quoted by `rule` once checked against it; CONFIG_INVALID naming `what` otherwise. */
export function quoteIdentifier(rule: IdentifierRule, name: string, what: string): string {
  if (!rule.pattern.test(name)) {
    throw new HexstreamError(
      'CONFIG_INVALID',
      `${what} ${JSON.stringify(name)} is not a valid ${rule.database} name: use letters, digits and _, not starting with a digit, at most ${rule.maxLength} characters`,
    );
  }
  return `${rule.quote}${name}${rule.quote}`;
}
