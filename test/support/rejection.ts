import { HexstreamError } from '../../src/domain/hexstream-error';

/** The HexstreamError a promise rejects with; fails if it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<HexstreamError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof HexstreamError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}
