import { passwordsOf } from '../domain/redaction/redact';
import type { RunConfig } from './run-config';

/** The passwords in a run's service URLs, as typed and decoded: what logs, mails and output mask. */
export function configSecrets(config: RunConfig): string[] {
  switch (config.mode) {
    case 'test':
      return [];
    case 'batch':
      return passwordsOf([config.mysqlUrl, config.postgresUrl]);
    case 'prod':
      return passwordsOf([config.mysqlUrl, config.postgresUrl, config.smtpUrl]);
  }
}
