// Header of a sealed connection datagram (docs/PROTOCOL.md §3, §5), parsed in C++ for the batch
// path. Only the types the engine opens itself are accepted (DEFAULT, ACK, HEARTBEAT, sealed,
// without CHECKSUM); everything else is either handed to JS as raw bytes (rare: ERROR, AUTH,
// checksummed) or malformed. Mirrors lib/wire/decode.ts for the accepted subset.
#pragma once
#include <cstddef>
#include <cstdint>

namespace paperclip {

constexpr uint8_t kWireVersion = 1;
enum PacketTypeCode : uint8_t { kTypeDefault = 0, kTypeAck = 1, kTypeAuth = 2, kTypeHeartbeat = 3, kTypeError = 4 };
constexpr uint8_t kFlagReliable = 0x80, kFlagChecksum = 0x40, kFlagCompressed = 0x20, kFlagEncrypted = 0x10,
                  kFlagFrag = 0x08, kFlagReserved = 0x07;
constexpr uint64_t kMaxCounter = (uint64_t{1} << 53) - 1;
constexpr size_t kMaxDatagramBytes = 65507;

enum class HeaderVerdict { kOpenable, kRaw, kMalformed };

struct SealedHeader {
  uint8_t type = 0;
  uint8_t flags = 0;
  uint16_t sequence = 0;
  uint16_t fragmentId = 0, fragmentCount = 0;
  uint64_t counter = 0;
  uint16_t ackId = 0;
  uint32_t ackBits = 0;
  uint8_t heartbeat = 0;
  // Offset of the sealed data (= AAD length); the data runs to the datagram's end, tag last.
  size_t dataOffset = 0;
};

// Parses `length` bytes; never reads past them.
HeaderVerdict parseSealedHeader(const uint8_t* bytes, size_t length, SealedHeader* out);

// Offset of the data field of a packet this library encoded (any type except AUTH), or 0 when
// the bytes are too short for their own header.
size_t encodedDataOffset(const uint8_t* bytes, size_t length);

}  // namespace paperclip
