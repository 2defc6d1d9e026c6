/** The transport's message options: a channel kind by name and a channel index. */
import { ChannelKind } from '../protocol/channel-kind.js';

export type DeliveryName = 'reliable' | 'reliable-unordered' | 'unreliable' | 'sequenced';

export interface SendOptions {
  /** Default 'reliable' (reliable-ordered). */
  readonly delivery?: DeliveryName;
  /** Channel index 0..63 within the delivery kind. Default 0. */
  readonly channel?: number;
}

const KINDS: Readonly<Record<DeliveryName, ChannelKind>> = {
  reliable: ChannelKind.RELIABLE_ORDERED,
  'reliable-unordered': ChannelKind.RELIABLE_UNORDERED,
  unreliable: ChannelKind.UNRELIABLE,
  sequenced: ChannelKind.UNRELIABLE_SEQUENCED,
};

const NAMES = new Map<ChannelKind, DeliveryName>(Object.entries(KINDS).map(([n, k]) => [k, n as DeliveryName]));

export function kindFor(options: SendOptions = {}): ChannelKind {
  const kind = KINDS[options.delivery ?? 'reliable'];
  if (kind === undefined) throw new RangeError(`unknown delivery "${String(options.delivery)}"`);
  return kind;
}

export function deliveryName(kind: ChannelKind): DeliveryName {
  return NAMES.get(kind) ?? 'reliable';
}
