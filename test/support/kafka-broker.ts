/** The broker scripts/kafka.sh runs, for tests: see scripts/kafka-broker.ts and scripts/own-kafka.ts. */
export * from '../../scripts/kafka-broker';
export * from '../../scripts/own-kafka';
