/**
 * Delivery kinds (issue 4 §5). The kind travels in the top two bits of every frame's channel
 * byte, so both ends agree on a channel's semantics without configuring it twice.
 */
export const ChannelKind = {
  RELIABLE_ORDERED: 0,
  RELIABLE_UNORDERED: 1,
  UNRELIABLE: 2,
  UNRELIABLE_SEQUENCED: 3,
} as const;
export type ChannelKind = (typeof ChannelKind)[keyof typeof ChannelKind];

/** Channels per kind: the low six bits of the channel byte. */
export const CHANNELS_PER_KIND = 64;

export function isReliable(kind: ChannelKind): boolean {
  return kind === ChannelKind.RELIABLE_ORDERED || kind === ChannelKind.RELIABLE_UNORDERED;
}

/** The channel byte: kind in bits 7..6, index in bits 5..0. */
export function channelByte(kind: ChannelKind, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= CHANNELS_PER_KIND) {
    throw new RangeError(`channel index must be 0..${CHANNELS_PER_KIND - 1}, got ${index}`);
  }
  return (kind << 6) | index;
}

export function kindOf(channel: number): ChannelKind {
  return (channel >> 6) as ChannelKind;
}
