import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inject, injectable, type ServiceIdentifier } from 'inversify';
import { HexstreamError } from '../../domain/hexstream-error';
import type { Notification, NotifierPort } from '../../ports/notifier.port';
import { buildMessage } from '../encoding/rfc5322';

export interface FileOutboxOptions {
  /** The outbox; created if missing. */
  readonly directory: string;
  /** The sender address written in `From`. */
  readonly from: string;
  /** The message's `Date` and file name; defaults to the system time. */
  readonly now?: () => Date;
}

export const FileOutboxOptions: ServiceIdentifier<FileOutboxOptions> = Symbol.for('hexstream.FileOutboxOptions');

/**
 * Test mode's notifier: each notification becomes one RFC 5322 message in `directory`, named
 * `<YYYYMMDDTHHMMSSmmmZ>-<kind>-<random>.eml` so a listing sorts by time. A reader never sees a
 * partial message: it is written and flushed under a hidden temporary name in the same directory,
 * then renamed into place (rename is atomic within one file system).
 */
@injectable()
export class FileOutboxNotifier implements NotifierPort {
  private readonly now: () => Date;

  constructor(@inject(FileOutboxOptions) private readonly options: FileOutboxOptions) {
    this.now = options.now ?? ((): Date => new Date());
  }

  async send(notification: Notification): Promise<void> {
    const date = this.now();
    // Builds (and so validates) before touching the file system: a rejected header leaves no file.
    const message = buildMessage({
      from: this.options.from,
      to: notification.to,
      subject: notification.subject,
      date,
      messageId: `${randomUUID()}@hexstream.local`,
      text: notification.text,
      extraHeaders: [['X-Hexstream-Kind', notification.kind]],
    });
    const name = `${fileStamp(date)}-${notification.kind}-${randomBytes(4).toString('hex')}.eml`;
    await writeAtomically(this.options.directory, name, message);
  }
}

async function writeAtomically(directory: string, name: string, content: string): Promise<void> {
  const finalPath = join(directory, name);
  const tempPath = join(directory, `.${name}.tmp`);
  try {
    await mkdir(directory, { recursive: true });
    const file = await open(tempPath, 'wx');
    try {
      await file.writeFile(content, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tempPath, finalPath);
  } catch (e) {
    await rm(tempPath, { force: true }).catch(() => undefined);
    throw new HexstreamError('NOTIFY_FAILED', `cannot write ${finalPath}: ${(e as Error).message}`, { cause: e });
  }
}

/** `20261123T073531123Z`: ISO-8601 basic format in UTC, safe in file names on every platform. */
function fileStamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}
