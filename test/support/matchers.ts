/**
 * Jest's asymmetric matchers are typed `any`, which the linter will not let flow into typed code.
 * These give each matcher the type of the value it stands in for.
 */

/** Stands in for a thrown error that has these fields (`toThrow(errorWith({ code: 'X' }))`). */
export function errorWith(fields: Record<string, unknown>): Error {
  return expect.objectContaining(fields) as Error;
}

export function anyString(): string {
  return expect.any(String) as string;
}

export function stringMatching(pattern: RegExp): string {
  return expect.stringMatching(pattern) as string;
}

export function stringContaining(part: string): string {
  return expect.stringContaining(part) as string;
}
