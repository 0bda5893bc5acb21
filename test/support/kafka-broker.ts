/** The broker scripts/kafka.sh runs, for tests: see scripts/kafka-broker.ts. */
export * from '../../scripts/kafka-broker';
