import type { Notification, NotifierPort } from '../ports/notifier.port';

/**
 * Masks secrets in what a notifier sends: the subject and text of reports and alerts carry error
 * messages, which may quote a URL or a driver's words. Bound around every notifier, so neither an
 * `.eml` file nor an SMTP message holds a password.
 */
export class RedactingNotifier implements NotifierPort {
  constructor(
    private readonly inner: NotifierPort,
    private readonly redact: (text: string) => string,
  ) {}

  send(notification: Notification): Promise<void> {
    return this.inner.send({
      ...notification,
      subject: this.redact(notification.subject),
      text: this.redact(notification.text),
    });
  }
}
