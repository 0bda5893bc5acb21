import { testKafka } from './global-setup';

/** Stops the broker the setup started (and removes its data dir); a broker named by the user stays. */
export default async function globalTeardown(): Promise<void> {
  const kafka = testKafka.hexstreamTestKafka;
  testKafka.hexstreamTestKafka = undefined;
  if (kafka !== undefined) await kafka.stop();
}
