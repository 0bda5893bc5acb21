import type { ContainerModuleLoadOptions } from 'inversify';
import { SmtpNotifier, SmtpNotifierOptions } from '../adapters/smtp/smtp-notifier.adapter';
import { NotifierPort } from '../ports/notifier.port';

/** The report and alerts through SMTP (alerts with the same subject at most once per 5 minutes). */
export function smtpNotifierBinding(bind: ContainerModuleLoadOptions['bind'], url: string): void {
  bind(SmtpNotifierOptions).toConstantValue({ url, from: 'hexstream <hexstream@localhost>' });
  bind(NotifierPort).to(SmtpNotifier).inSingletonScope();
}
