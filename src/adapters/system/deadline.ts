/**
 * `work`'s outcome, or what `onTimeout` gives (or throws) once `ms` have passed, whichever comes
 * first. The work itself goes on: the caller decides what to do with an abandoned one. The timer
 * never outlives the race, so it holds no process open.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (e) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what onTimeout threw, as an await would
        reject(e);
      }
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
