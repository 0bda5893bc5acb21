import type { LoggerPort } from '../../ports/logger.port';

/**
 * kafkajs's test for a rebalance in progress (its own `isRebalancing` is not exported). The broker's
 * error name is `type` in kafkajs errors and `apiId` in @platformatic/kafka's.
 */
export function isRebalancing(e: unknown): boolean {
  const type = brokerErrorName(e);
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION';
}

/**
 * The group did not take the offsets `acknowledge` sent. Only lag monitoring reads them (the
 * resume point is stored with the data), and the next commit moves them on. During a rebalance the
 * group refuses them (its generation moved on: "Specified group generation id is not valid"),
 * which is expected: info. Any other failure keeps the lag shown stale until it passes: a warning.
 */
export function logRefusedOffsets(logger: LoggerPort, topic: string, e: unknown): void {
  const context = {
    topic,
    error: e instanceof Error ? e.message : String(e),
    consequence:
      'only lag monitoring reads these offsets and the next commit moves them on; resuming uses the positions stored with the data',
  };
  // kafkajs wraps an error it retried in KafkaJSNumberOfRetriesExceeded: the broker's is its cause;
  // @platformatic/kafka gathers a retried operation's errors in `errors`.
  const causes: unknown[] = [];
  const visit = (c: unknown): void => {
    if (c === undefined || c === null || causes.length >= 10) return;
    causes.push(c);
    visit((c as { cause?: unknown }).cause);
    const inner = (c as { errors?: unknown }).errors;
    if (Array.isArray(inner)) for (const i of inner) visit(i);
  };
  visit(e);
  const refused = causes.some(
    (c) => isRebalancing(c) || ['UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID'].includes(String(brokerErrorName(c))),
  );
  if (refused) logger.info('offsets for lag monitoring not committed to Kafka during a rebalance', context);
  else logger.warn('could not commit offsets for lag monitoring to Kafka', context);
}

function brokerErrorName(e: unknown): unknown {
  const fields = e as { type?: unknown; apiId?: unknown } | null;
  return fields?.type ?? fields?.apiId;
}
