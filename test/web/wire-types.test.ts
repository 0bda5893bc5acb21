import type { ConsoleState, ConsoleUpdate } from '../../src/adapters/console/console-view';
import type {
  BytesView as ServerBytesView,
  MessageView as ServerMessageView,
} from '../../src/adapters/topics/message-view';
import type { State, Update } from '../../web/console/model';
import type { BytesView, MessageView } from '../../web/topics/wire';

/** `true` only when each type is assignable to the other: the page reads exactly what the server sends. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Checked by the compiler (`npm run typecheck`, and ts-jest): a difference makes a type `false`.
const console: [Same<ConsoleState, State>, Same<ConsoleUpdate, Update>] = [true, true];
const topics: [Same<ServerMessageView, MessageView>, Same<ServerBytesView, BytesView>] = [true, true];

describe('the pages read the shapes the server sends', () => {
  it('the console stream and the topic browser messages are written alike on both sides', () => {
    expect([...console, ...topics]).toEqual([true, true, true, true]);
  });
});
