/** Raised for anything wrong on the command line; the CLI prints its message and exits with 2. */
export class UsageError extends Error {}
