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
