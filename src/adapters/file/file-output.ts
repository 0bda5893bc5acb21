import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readlink, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { HexstreamError } from '../../domain/hexstream-error';
import { keepPrevious } from './keep-previous';

/** How an output file is written. */
export interface FileOutputOptions {
  /**
   * `replace`: written under a temporary name beside the target and renamed over it by
   * `complete()`, so the target is either the previous file or the whole new one, never a part.
   * `fresh`: written straight into the target, each `write` durable when it resolves (`sync`), for
   * output that must survive a crash midway (batch dead letters, beside committed rows).
   */
  readonly mode: 'replace' | 'fresh';
  /** Keep a non-empty previous file under a dated name instead of overwriting it (dead letters). */
  readonly keepPrevious?: boolean;
}

/** A file being written. Every failure is a `SINK_WRITE_FAILED` naming the file and the errno. */
export interface FileOutput {
  /** The path as the user gave it. */
  readonly path: string;
  /** Writes all of `data` (a short write is continued); with `sync`, also flushes it to disk. */
  write(data: string | Uint8Array, sync?: boolean): Promise<void>;
  /** Flushes to disk and closes: all that was written is durable (mode `replace`: not yet in place). Idempotent. */
  finish(): Promise<void>;
  /** `finish()`, then (mode `replace`) renames into place: the file is whole once this resolves. */
  complete(): Promise<void>;
  /** Closes and removes the temporary file of mode `replace`: the target stays as it was. Idempotent. */
  discard(): Promise<void>;
}

/** Symbolic links followed before giving up (as the kernel's ELOOP limit). */
const MAX_LINKS = 40;

/**
 * Opens `path` for writing. A target that is not a regular file — a character device (`/dev/full`,
 * `/dev/null`), a FIFO, a socket, or anything reached through `/proc` (`/dev/stdout`) — is written
 * directly: a temporary file beside a device node could not be renamed over it, and a
 * rename over `/dev/stdout`'s file would take the file away from the shell that opened it.
 *
 *   regular or missing:  open .<name>.<random>.tmp ─▶ write… ─▶ fsync, close ─▶ rename over <name>
 *   anything else:       open <name> ─▶ write…  ─▶ close
 */
export async function openFileOutput(path: string, options: FileOutputOptions): Promise<FileOutput> {
  try {
    const target = await resolveTarget(path);
    // Appended, not truncated: `/dev/stdout` may be the shell's file, shared with the summary.
    if (target.direct) return new DirectOutput(path, await open(path, 'a'), false);
    await mkdir(dirname(target.path), { recursive: true });
    if (options.mode === 'fresh') {
      if (options.keepPrevious === true) await keepPrevious(target.path);
      return new DirectOutput(path, await open(target.path, 'a'), true);
    }
    const temp = join(dirname(target.path), `.${basename(target.path)}.${randomBytes(4).toString('hex')}.tmp`);
    return new ReplacingOutput(path, target.path, temp, await open(temp, 'wx'), options.keepPrevious === true);
  } catch (e) {
    throw new HexstreamError('SINK_UNAVAILABLE', `cannot open output ${path}: ${messageOf(e)}`, { cause: e });
  }
}

/**
 * Where `path` leads: its final regular file (links followed), or `direct` for anything else. A
 * link into `/proc` (`/dev/stdout` → `/proc/self/fd/1`) is a file descriptor of this process,
 * whatever it points to: written directly.
 */
async function resolveTarget(path: string): Promise<{ direct: boolean; path: string }> {
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    if (current.startsWith('/proc/')) return { direct: true, path: current };
    let info;
    try {
      info = await lstat(current);
    } catch (e) {
      // Missing: a new regular file. Other errors show when the file is opened.
      return { direct: (e as NodeJS.ErrnoException).code !== 'ENOENT', path: current };
    }
    if (!info.isSymbolicLink()) return { direct: !info.isFile(), path: current };
    const link = await readlink(current);
    current = isAbsolute(link) ? link : resolve(dirname(current), link);
  }
  return { direct: true, path: current };
}

function writeFailed(path: string, e: unknown): HexstreamError {
  return new HexstreamError('SINK_WRITE_FAILED', `cannot write ${path}: ${messageOf(e)}`, { cause: e });
}

/** An error's message (`ENOSPC: no space left on device, write`), also for errors of another realm. */
function messageOf(e: unknown): string {
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(e);
}

/** Writes all of `bytes` at the file's position: `write(2)` may write less than asked (a full disk). */
async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
    if (bytesWritten <= 0) throw new Error('the write made no progress');
    offset += bytesWritten;
  }
}

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Written in place: a device, a FIFO, or a file that must grow durably as the run goes. */
class DirectOutput implements FileOutput {
  private handle: FileHandle | undefined;

  constructor(
    readonly path: string,
    handle: FileHandle,
    /** A regular file: can be fsync'd (a device or a pipe cannot). */
    private readonly canSync: boolean,
  ) {
    this.handle = handle;
  }

  async write(data: string | Uint8Array, sync = false): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) throw writeFailed(this.path, new Error('the file is closed'));
    try {
      await writeAll(handle, bytesOf(data));
      if (sync && this.canSync) await handle.datasync();
    } catch (e) {
      throw writeFailed(this.path, e);
    }
  }

  async finish(): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) return;
    this.handle = undefined;
    try {
      if (this.canSync) await handle.sync();
      await handle.close();
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw writeFailed(this.path, e);
    }
  }

  complete(): Promise<void> {
    return this.finish();
  }

  async discard(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}

/** Written under a temporary name and renamed over the target once whole. */
class ReplacingOutput implements FileOutput {
  private handle: FileHandle | undefined;
  private state: 'writing' | 'finished' | 'completed' | 'discarded' = 'writing';

  constructor(
    readonly path: string,
    private readonly target: string,
    private readonly temp: string,
    handle: FileHandle,
    private readonly keep: boolean,
  ) {
    this.handle = handle;
  }

  async write(data: string | Uint8Array): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) throw writeFailed(this.path, new Error('the file is closed'));
    try {
      await writeAll(handle, bytesOf(data));
    } catch (e) {
      throw writeFailed(this.path, e);
    }
  }

  async finish(): Promise<void> {
    if (this.state !== 'writing') return;
    const handle = this.handle;
    this.handle = undefined;
    try {
      // Durable before it is visible: a crash after the rename must not leave an empty file.
      await handle?.sync();
      await handle?.close();
      this.state = 'finished';
    } catch (e) {
      await handle?.close().catch(() => undefined);
      await this.discard();
      throw writeFailed(this.path, e);
    }
  }

  async complete(): Promise<void> {
    await this.finish();
    if (this.state !== 'finished') throw writeFailed(this.path, new Error(`the file was already ${this.state}`));
    try {
      if (this.keep) await keepPrevious(this.target, false);
      await rename(this.temp, this.target);
      this.state = 'completed';
    } catch (e) {
      await this.discard();
      throw writeFailed(this.path, e);
    }
  }

  async discard(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (this.state === 'completed') return;
    this.state = 'discarded';
    await handle?.close().catch(() => undefined);
    await rm(this.temp, { force: true }).catch(() => undefined);
  }
}
