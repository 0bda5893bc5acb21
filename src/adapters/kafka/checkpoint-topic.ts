import { randomBytes } from 'node:crypto';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { StoreCommit, StoredCheckpoint, StoredSnapshot } from '../../ports/result-store.port';
import { checkpointFromRows, legacyState, partitionRows, type CheckpointRow } from '../sql/checkpoint-rows';

/** Whose entries: one key space per (job, consumer group). Neither contains `|` (names are checked). */
export interface CheckpointTopicOwner {
  readonly job: string;
  readonly consumerGroup: string;
}

/** A stored snapshot as the topic holds it: a head naming its chunks. */
export interface SnapshotHead {
  readonly partitions: readonly number[];
  readonly chunks: number;
  readonly id: string;
}

const SNAPSHOT_ID_HEADER = 'snapshot-id';

/**
 * The compacted checkpoint topic's keys and values. Every entry of one (job, group) lives in one
 * partition of the topic, so one transaction writes them and one reader sees them in order:
 *
 *   <job>|<group>|partition|3       {"next_position":812,"engine_state":"…"}                  one per source partition
 *   <job>|<group>|snapshot|0,1,2    {"partitions":[0,1,2],"chunks":2,"id":"…"}               head of a graceful stop's snapshot
 *   <job>|<group>|snapshot|0,1,2|0  bytes 0‥chunk of the snapshot (header snapshot-id)        its chunks, in order
 *   <job>|<group>|open|<id>         (tombstone)                                               a reader's barrier, see the sink
 *
 * A commit writes only its own partitions' keys: compaction keeps, per source partition, what its
 * last committer wrote (as the SQL sinks keep one row per partition). Replaced snapshots are
 * deleted by tombstones.
 *
 * Entries written before the engine state became opaque hold its fields instead of `engine_state`
 * ({"next_position":812,"watermark_ms":…,"replay_from":…,"replay_max_event_ms":…,"closed_up_to_ms":…});
 * the reader folds them into a version-0 state, as the SQL migrations fold their columns.
 */
export class CheckpointTopicCodec {
  private readonly prefix: string;

  constructor(owner: CheckpointTopicOwner) {
    this.prefix = `${owner.job}|${owner.consumerGroup}|`;
  }

  /** The trigger's per-partition entries, checked as the SQL sinks check their rows. */
  partitionMessages(commit: StoreCommit): Message[] {
    return partitionRows(commit).map((row) => {
      const value = { next_position: row.next, engine_state: row.state };
      return { key: `${this.prefix}partition|${row.partition}`, value: JSON.stringify(value) };
    });
  }

  /**
   * A snapshot's head and chunks, plus tombstones for every stored snapshot sharing a partition
   * with it (and for chunks of an earlier snapshot of the same partitions beyond the new count).
   */
  snapshotMessages(
    snapshot: StoredSnapshot,
    stored: readonly SnapshotHead[],
    maxChunkBytes: number,
  ): { messages: Message[]; head: SnapshotHead } {
    const partitions = [...snapshot.partitions].sort((a, b) => a - b);
    const mine = new Set(partitions);
    const bytes = Buffer.from(snapshot.data, 'utf8');
    const chunks = Math.max(1, Math.ceil(bytes.length / maxChunkBytes));
    const head: SnapshotHead = { partitions, chunks, id: randomBytes(8).toString('hex') };
    const headKey = this.headKey(partitions);
    const messages: Message[] = [];
    for (const old of stored) {
      if (!old.partitions.some((p) => mine.has(p))) continue;
      const oldKey = this.headKey(old.partitions);
      const same = oldKey === headKey;
      if (!same) messages.push({ key: oldKey, value: null });
      for (let i = same ? chunks : 0; i < old.chunks; i++) messages.push({ key: `${oldKey}|${i}`, value: null });
    }
    for (let i = 0; i < chunks; i++) {
      messages.push({
        key: `${headKey}|${i}`,
        value: bytes.subarray(i * maxChunkBytes, (i + 1) * maxChunkBytes),
        headers: { [SNAPSHOT_ID_HEADER]: head.id },
      });
    }
    // The head last: a reader finding it finds its chunks before it.
    messages.push({ key: headKey, value: JSON.stringify(head) });
    return { messages, head };
  }

  /** A marker a reader waits for: once it is visible, every transaction begun before it has ended. */
  barrierMessage(instance: string): Message {
    return { key: `${this.prefix}open|${instance}`, value: null };
  }

  /** A fold of the topic's messages, in offset order, into what the owner stored. */
  reader(): CheckpointTopicReader {
    return new CheckpointTopicReader(this.prefix);
  }

  private headKey(partitions: readonly number[]): string {
    return `${this.prefix}snapshot|${partitions.join(',')}`;
  }
}

interface Entry {
  readonly value: Buffer;
  readonly headers: IHeaders | undefined;
  readonly offset: number;
}

export class CheckpointTopicReader {
  /** Latest value per key of this owner (tombstones remove), as compaction would leave them. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly prefix: string) {}

  add(message: KafkaMessage): void {
    const key = message.key?.toString('utf8');
    if (key === undefined || !key.startsWith(this.prefix)) return;
    if (message.value === null) this.entries.delete(key);
    else this.entries.set(key, { value: message.value, headers: message.headers, offset: Number(message.offset) });
  }

  /** The stored checkpoint (as the SQL sinks return theirs) and the heads of stored snapshots. */
  result(): { checkpoint: StoredCheckpoint | undefined; heads: SnapshotHead[] } {
    const rows: CheckpointRow[] = [];
    const heads: Array<{ head: SnapshotHead; key: string; offset: number }> = [];
    for (const [key, entry] of this.entries) {
      const [kind, name, chunk] = key.slice(this.prefix.length).split('|');
      if (kind === 'partition' && name !== undefined) rows.push(partitionRow(entry.value, Number(name)));
      if (kind === 'snapshot' && name !== undefined && chunk === undefined)
        heads.push({ head: parseHead(entry.value), key, offset: entry.offset });
    }
    rows.sort((a, b) => Number(a.partition_id) - Number(b.partition_id));
    const checkpoint = checkpointFromRows(rows);
    // Instances that did not see each other's snapshots may leave overlapping ones: the later wins.
    heads.sort((a, b) => b.offset - a.offset);
    const kept: SnapshotHead[] = [];
    const snapshots: StoredSnapshot[] = [];
    for (const { head, key } of heads) {
      if (kept.some((k) => k.partitions.some((p) => head.partitions.includes(p)))) continue;
      kept.push(head);
      const data = this.assemble(key, head);
      if (data !== undefined) snapshots.push({ partitions: head.partitions, data });
    }
    snapshots.sort((a, b) => (a.partitions[0] ?? 0) - (b.partitions[0] ?? 0));
    if (checkpoint === undefined || snapshots.length === 0) return { checkpoint, heads: kept };
    return { checkpoint: { ...checkpoint, snapshots }, heads: kept };
  }

  /** The snapshot's text, or `undefined` when a chunk is missing or belongs to another write. */
  private assemble(key: string, head: SnapshotHead): string | undefined {
    const parts: Buffer[] = [];
    for (let i = 0; i < head.chunks; i++) {
      const chunk = this.entries.get(`${key}|${i}`);
      if (chunk === undefined || chunk.headers?.[SNAPSHOT_ID_HEADER]?.toString() !== head.id) return undefined;
      parts.push(chunk.value);
    }
    return Buffer.concat(parts).toString('utf8');
  }
}

/** A partition's entry as a checkpoint row; one in the old format gets its fields folded into a version-0 state. */
function partitionRow(value: Buffer, partition: number): CheckpointRow {
  const o = parseObject(value);
  const state = typeof o.engine_state === 'string' ? o.engine_state : legacyState(o);
  return { partition_id: partition, next_position: o.next_position, engine_state: state };
}

function parseObject(value: Buffer): Record<string, unknown> {
  const parsed: unknown = JSON.parse(value.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`checkpoint entry is not a JSON object: ${value.toString('utf8').slice(0, 200)}`);
  return { ...parsed };
}

function parseHead(value: Buffer): SnapshotHead {
  const o = parseObject(value);
  const partitions = o.partitions;
  if (
    !Array.isArray(partitions) ||
    !partitions.every((p): p is number => Number.isInteger(p)) ||
    !Number.isInteger(o.chunks) ||
    typeof o.id !== 'string'
  ) {
    throw new Error(`snapshot head is malformed: ${value.toString('utf8').slice(0, 200)}`);
  }
  return { partitions, chunks: Number(o.chunks), id: o.id };
}
