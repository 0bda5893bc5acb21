/**
 * The message of something the job's code threw, for a dead letter's detail: whatever was thrown
 * (an Error, a string, any value — even one whose own conversion throws), never an exception.
 */
export function thrownMessage(thrown: unknown): string {
  try {
    if (thrown instanceof Error) {
      const message = String(thrown.message);
      return message === '' ? thrown.name : message;
    }
    return typeof thrown === 'string' ? thrown : String(thrown);
  } catch {
    return 'the job threw a value that cannot be shown as text';
  }
}
