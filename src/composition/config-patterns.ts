import { MYSQL_IDENTIFIER, POSTGRES_IDENTIFIER } from '../adapters/sql/sql-identifiers';

/**
 * The names configuration may give, and what each must match. A name that does not is refused
 * before anything connects (exit code 2, one line naming the flag). The patterns are ASCII only
 * and anchored: no quote, backtick, space, control character or non-ASCII letter passes, so a
 * name can neither break out of an SQL identifier nor mean two things to two systems.
 *
 * | name                                   | pattern                                 | why                                    |
 * |----------------------------------------|-----------------------------------------|----------------------------------------|
 * | database of `--mysql`                  | `^[A-Za-z_][A-Za-z0-9_]{0,63}$`         | an SQL identifier; MySQL's 64          |
 * | database of `--postgres`               | `^[A-Za-z_][A-Za-z0-9_]{0,62}$`         | an SQL identifier; PostgreSQL's 63     |
 * | `--topic`, `--dead-letter-topic`,      | `^[A-Za-z0-9._-]{1,249}$`, not `.`/`..` | Kafka's own rule for topic names       |
 * | `--output-topic`, `--checkpoint-topic` |                                         |                                        |
 * | `--group`                              | as a topic                              | a Kafka group id and a checkpoint key  |
 * | `--instance-id`                        | `^[A-Za-z0-9._-]{1,100}$`               | part of a Kafka transactional id       |
 * | broker of `--brokers`                  | host name (RFC 1123 labels) or IPv4,    | nothing but a network address          |
 * |                                        | then `:port`, port 1–65535              |                                        |
 */
export const CONFIG_PATTERNS = {
  mysqlDatabase: MYSQL_IDENTIFIER,
  postgresDatabase: POSTGRES_IDENTIFIER,
  kafkaTopic: /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,249}$/,
  instanceId: /^[A-Za-z0-9._-]{1,100}$/,
  /** A host name of at most 253 characters in labels of 1–63 letters, digits and inner hyphens (an IPv4 address is one), and a port. */
  broker:
    /^(?=[^:]{1,253}:)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*:(\d{1,5})$/,
} as const;

/** Whether `text` is a `host:port` of {@link CONFIG_PATTERNS}.broker with a port from 1 to 65535. */
export function isBrokerAddress(text: string): boolean {
  const port = CONFIG_PATTERNS.broker.exec(text)?.[1];
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65_535;
}
