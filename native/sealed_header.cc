#include "sealed_header.h"

#include "status.h"

namespace paperclip {
namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// lib/wire/constants.ts ALLOWED_FLAGS for the types the engine opens.
uint8_t allowedFlags(uint8_t type) {
  switch (type) {
    case kTypeDefault: return kFlagReliable | kFlagChecksum | kFlagCompressed | kFlagEncrypted | kFlagFrag;
    case kTypeAck: return kFlagReliable | kFlagChecksum | kFlagCompressed | kFlagEncrypted;
    default: return kFlagReliable | kFlagChecksum | kFlagEncrypted;
  }
}

size_t typeFieldsLength(uint8_t type) {
  switch (type) {
    case kTypeAck: return 6;
    case kTypeHeartbeat:
    case kTypeError: return 1;
    default: return 0;
  }
}

}  // namespace

HeaderVerdict parseSealedHeader(const uint8_t* bytes, size_t length, SealedHeader* out) {
  if (length < 4 || length > kMaxDatagramBytes) return HeaderVerdict::kMalformed;
  const uint8_t version = bytes[0] >> 4;
  const uint8_t type = bytes[0] & 0x0f;
  const uint8_t flags = bytes[1];
  if (version != kWireVersion || type > kTypeError || (flags & kFlagReserved) != 0) return HeaderVerdict::kMalformed;
  if ((flags & ~allowedFlags(type)) != 0) return HeaderVerdict::kMalformed;
  if ((flags & kFlagEncrypted) == 0 || (flags & kFlagChecksum) != 0 || type == kTypeAuth || type == kTypeError) {
    return HeaderVerdict::kRaw;
  }
  out->type = type;
  out->flags = flags;
  out->sequence = be16(bytes + 2);
  size_t at = 4;
  if (flags & kFlagFrag) {
    if (length < at + 4) return HeaderVerdict::kMalformed;
    out->fragmentId = be16(bytes + at);
    out->fragmentCount = be16(bytes + at + 2);
    if (out->fragmentCount == 0 || out->fragmentId >= out->fragmentCount) return HeaderVerdict::kMalformed;
    at += 4;
  }
  if (length < at + 8) return HeaderVerdict::kMalformed;
  out->counter = (uint64_t{be32(bytes + at)} << 32) | be32(bytes + at + 4);
  if (out->counter > kMaxCounter) return HeaderVerdict::kMalformed;
  at += 8;
  if (type == kTypeAck) {
    if (length < at + 6) return HeaderVerdict::kMalformed;
    out->ackId = be16(bytes + at);
    out->ackBits = be32(bytes + at + 2);
    at += 6;
  } else if (type == kTypeHeartbeat) {
    if (length < at + 1 || bytes[at] > 1) return HeaderVerdict::kMalformed;
    out->heartbeat = bytes[at];
    at += 1;
  }
  if (length - at < kTagBytes) return HeaderVerdict::kMalformed;
  out->dataOffset = at;
  return HeaderVerdict::kOpenable;
}

size_t encodedDataOffset(const uint8_t* bytes, size_t length) {
  if (length < 4) return 0;
  const uint8_t type = bytes[0] & 0x0f;
  const uint8_t flags = bytes[1];
  if (type == kTypeAuth || type > kTypeError) return 0;
  size_t at = 4;
  if (flags & kFlagFrag) at += 4;
  if (flags & kFlagEncrypted) at += 8;
  if (flags & kFlagChecksum) at += 4;
  at += typeFieldsLength(type);
  return at <= length ? at : 0;
}

}  // namespace paperclip
