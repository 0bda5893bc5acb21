import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly mailFrom: string | undefined;
  readonly rcptTo: readonly string[];
  readonly user: string | undefined;
  readonly raw: string;
}

export interface TestSmtpServer {
  /** Always 127.0.0.1: a test server is never reachable from another machine. */
  readonly host: string;
  readonly port: number;
  readonly received: ReceivedMail[];
  /** The next `n` messages are refused after DATA with a 451. */
  refuseNext(n: number): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 that keeps what it is sent: plain text (no STARTTLS), login
 * required with `user` and `password`.
 */
export async function startTestSmtpServer(user: string, password: string): Promise<TestSmtpServer> {
  const host = '127.0.0.1';
  const received: ReceivedMail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals -= 1;
          callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
          return;
        }
        const from = session.envelope.mailFrom;
        received.push({
          mailFrom: from === false ? undefined : from.address,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.on('error', reject);
    const listening = server.listen(0, host, () => resolve((listening.address() as AddressInfo).port));
  });
  return {
    host,
    port,
    received,
    refuseNext: (n) => {
      refusals = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
