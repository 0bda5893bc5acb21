import { createHash } from 'node:crypto';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { HexstreamError } from '../../domain/hexstream-error';
import type { StoredSnapshot } from '../../ports/result-store.port';
import type { CheckpointOwner } from './mysql-checkpoint';
import { SNAPSHOT_TABLE } from './migrations';

/** Bytes of SQL around one chunk's value (the statement text and the other parameters). */
const STATEMENT_OVERHEAD = 512;
const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Writes a graceful stop's snapshot inside the caller's transaction, in chunks that fit one
 * statement under `max_allowed_packet` (a BLOB parameter travels as hex, twice its size), and drops
 * every stored snapshot sharing a partition with it:
 *
 *   hexstream_snapshot  (job, group, md5 of "0,1,2", chunk 0)  partitions "0,1,2", chunks 3, data[0]
 *                       (job, group, md5 of "0,1,2", chunk 1)  data[1] …
 */
export async function writeSnapshot(
  connection: Connection,
  owner: CheckpointOwner,
  snapshot: StoredSnapshot,
  maxPacketBytes: number,
): Promise<void> {
  const partitions = [...snapshot.partitions].sort((a, b) => a - b);
  const mine = new Set(partitions);
  const [stored] = await connection.query<RowDataPacket[]>(
    `SELECT snapshot_id, partitions FROM ${SNAPSHOT_TABLE} WHERE job = ? AND consumer_group = ? AND chunk = 0 FOR UPDATE`,
    [owner.job, owner.consumerGroup],
  );
  const id = snapshotId(partitions);
  for (const r of stored) {
    const overlaps = parsePartitions(String(r.partitions)).some((p) => mine.has(p));
    if (overlaps || String(r.snapshot_id) === id) {
      await connection.query(`DELETE FROM ${SNAPSHOT_TABLE} WHERE job = ? AND consumer_group = ? AND snapshot_id = ?`, [
        owner.job,
        owner.consumerGroup,
        String(r.snapshot_id),
      ]);
    }
  }
  const bytes = Buffer.from(snapshot.data, 'utf8');
  const chunkBytes = Math.max(1, Math.min(MAX_CHUNK_BYTES, Math.floor((maxPacketBytes - STATEMENT_OVERHEAD) / 2)));
  const chunks = Math.max(1, Math.ceil(bytes.length / chunkBytes));
  for (let i = 0; i < chunks; i++) {
    await connection.query(
      `INSERT INTO ${SNAPSHOT_TABLE} (job, consumer_group, snapshot_id, chunk, chunks, partitions, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        owner.job,
        owner.consumerGroup,
        id,
        i,
        chunks,
        i === 0 ? partitions.join(',') : null,
        bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes),
      ],
    );
  }
}

/** Every stored snapshot of the owner; one with chunks missing is skipped (it cannot be used). */
export async function readSnapshots(connection: Connection, owner: CheckpointOwner): Promise<StoredSnapshot[]> {
  const [heads] = await connection.query<RowDataPacket[]>(
    `SELECT snapshot_id, chunks, partitions FROM ${SNAPSHOT_TABLE} WHERE job = ? AND consumer_group = ? AND chunk = 0`,
    [owner.job, owner.consumerGroup],
  );
  const out: StoredSnapshot[] = [];
  for (const head of heads) {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT chunk, data FROM ${SNAPSHOT_TABLE} WHERE job = ? AND consumer_group = ? AND snapshot_id = ? ORDER BY chunk`,
      [owner.job, owner.consumerGroup, String(head.snapshot_id)],
    );
    const chunks = Number(head.chunks);
    if (rows.length !== chunks || rows.some((r, i) => Number(r.chunk) !== i)) continue;
    const data = Buffer.concat(rows.map((r) => toBuffer(r.data))).toString('utf8');
    out.push({ partitions: parsePartitions(String(head.partitions)), data });
  }
  return out;
}

function snapshotId(partitions: readonly number[]): string {
  return createHash('md5').update(partitions.join(',')).digest('hex');
}

function parsePartitions(text: string): number[] {
  return text === '' ? [] : text.split(',').map(Number);
}

function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  throw new HexstreamError('SINK_WRITE_FAILED', 'snapshot chunk is not binary');
}
