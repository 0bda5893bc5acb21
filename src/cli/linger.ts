/**
 * Waits `ms`, or until SIGINT/SIGTERM, whichever comes first: the endpoint of a run that ended
 * stays up meanwhile, so its final figures can still be scraped and its console read.
 *
 *   run ─ summary ─ "stays up" line ─ · · · linger · · · ─┬─ timer ─▶ endpoint closed, exit
 *                                                       └─ signal ─▶ endpoint closed, exit 0
 */
export function linger(ms: number): Promise<void> {
  return new Promise((done) => {
    const finish = (): void => {
      clearTimeout(timer);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      done();
    };
    const timer = setTimeout(finish, ms);
    process.on('SIGINT', finish);
    process.on('SIGTERM', finish);
  });
}
