/** What a connection tells its owner, drained with pollEvent(). */
import type { ErrorCodeInfo } from '../wire/errors.js';
import type { ChannelKind } from './channel-kind.js';

export type DisconnectReason =
  /** close() was called and the peer acknowledged (or the wait timed out). */
  | 'local'
  /** The peer sent CLIENT DISCONNECT (2.2) or SERVER DISCONNECT (2.1). */
  | 'peer'
  /** Nothing was received for the idle timeout. */
  | 'timeout'
  /** A limit was broken or the peer sent something unrecoverable (e.g. the reassembly cap). */
  | 'protocol-error';

export type ConnectionEvent =
  | { readonly type: 'message'; readonly kind: ChannelKind; readonly channel: number; readonly data: Uint8Array }
  | { readonly type: 'disconnect'; readonly reason: DisconnectReason; readonly code: ErrorCodeInfo; readonly detail: string }
  /** The peer reported an error about something we sent (informational). */
  | { readonly type: 'peer-error'; readonly code: ErrorCodeInfo; readonly detail: string };
