// sealed_header: parseSealedHeader on arbitrary datagrams (what the UDP engine gets from the
// network) against a reference parse written here from lib/wire/decode.ts: same verdict
// (openable / raw / malformed) and, when openable, the same fields; dataOffset leaves at least
// the 16-byte tag; a prefix one byte short of that is malformed and one of exactly that length
// parses the same; a raw verdict depends on the first 4 bytes only. encodedDataOffset equals
// layout.ts's offset when that fits in the bytes, else 0, never beyond the length.
// Every parse runs on an exact-size heap copy, so a read past `length` is an ASan report.
// Input: the datagram.
#include <cstring>

#include "../../sealed_header.h"
#include "../../status.h"
#include "../fuzz_check.h"
#include "../reference.h"

using namespace paperclip;
using namespace paperclip::fuzz;

namespace {

constexpr uint64_t kMax53 = (uint64_t{1} << 53) - 1;

// decode.ts, step by step, with a cursor that refuses to run past the end.
struct Cursor {
  const Buf& b;
  size_t at = 0;
  bool ok = true;
  uint64_t take(size_t n) {
    if (!ok || b.size() - at < n) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v = v << 8 | b[at++];
    return v;
  }
};

struct Reference {
  HeaderVerdict verdict = HeaderVerdict::kMalformed;
  SealedHeader h;
};

Reference referenceParse(const Buf& b) {
  Reference r;
  Cursor c{b};
  const uint64_t fixed = c.take(4);
  if (!c.ok) return r;
  const unsigned version = static_cast<unsigned>(fixed >> 28), type = (fixed >> 24) & 15,
                 flags = (fixed >> 16) & 0xff;
  // ALLOWED_FLAGS (constants.ts): DEFAULT all five, ACK no FRAG, the rest RELIABLE|CHECKSUM|ENCRYPTED
  static const unsigned kAllowed[5] = {0xf8, 0xf0, 0xd0, 0xd0, 0xd0};
  if (version != 1 || type > 4 || (flags & 0x07) != 0 || (flags & ~kAllowed[type]) != 0) return r;
  const bool sealed = flags & 0x10, checksum = flags & 0x40;
  if (!sealed || checksum || type == 2 || type == 4) {
    r.verdict = HeaderVerdict::kRaw;
    return r;
  }
  SealedHeader& h = r.h;
  h.type = static_cast<uint8_t>(type);
  h.flags = static_cast<uint8_t>(flags);
  h.sequence = static_cast<uint16_t>(fixed);
  if (flags & 0x08) {
    h.fragmentId = static_cast<uint16_t>(c.take(2));
    h.fragmentCount = static_cast<uint16_t>(c.take(2));
    if (!c.ok || h.fragmentCount == 0 || h.fragmentId >= h.fragmentCount) return r;
  }
  h.counter = c.take(8);
  if (!c.ok || h.counter > kMax53) return r;
  if (type == 1) {
    h.ackId = static_cast<uint16_t>(c.take(2));
    h.ackBits = static_cast<uint32_t>(c.take(4));
  } else if (type == 3) {
    h.heartbeat = static_cast<uint8_t>(c.take(1));
    if (h.heartbeat > 1) return r;
  }
  if (!c.ok || b.size() - c.at < kTagBytes) return r;
  h.dataOffset = c.at;
  r.verdict = HeaderVerdict::kOpenable;
  return r;
}

size_t referenceEncodedOffset(const Buf& b) {
  if (b.size() < 4) return 0;
  const unsigned type = b[0] & 15, flags = b[1];
  if (type == 2 || type > 4) return 0;
  static const size_t kTypeFields[5] = {0, 6, 0, 1, 1};
  const size_t at = 4 + (flags & 0x08 ? 4 : 0) + (flags & 0x10 ? 8 : 0) + (flags & 0x40 ? 4 : 0) + kTypeFields[type];
  return at <= b.size() ? at : 0;
}

const char* name(HeaderVerdict v) {
  return v == HeaderVerdict::kOpenable ? "openable" : v == HeaderVerdict::kRaw ? "raw" : "malformed";
}

// Parses the first `n` bytes of `b` from an exact-size heap copy.
HeaderVerdict parsePrefix(const Buf& b, size_t n, SealedHeader* h) {
  Buf exact(b.begin(), b.begin() + static_cast<long>(n));
  return parseSealedHeader(exact.empty() ? nullptr : exact.data(), exact.size(), h);
}

bool same(const SealedHeader& a, const SealedHeader& b) {
  return a.type == b.type && a.flags == b.flags && a.sequence == b.sequence && a.fragmentId == b.fragmentId &&
         a.fragmentCount == b.fragmentCount && a.counter == b.counter && a.ackId == b.ackId &&
         a.ackBits == b.ackBits && a.heartbeat == b.heartbeat && a.dataOffset == b.dataOffset;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  const Buf bytes(input, input + size);
  SealedHeader h;
  const HeaderVerdict v = parsePrefix(bytes, bytes.size(), &h);
  const Reference r = referenceParse(bytes);
  FUZZ_CHECK(v == r.verdict, "parseSealedHeader says %s, the reference %s (%zu bytes)", name(v), name(r.verdict), size);

  const size_t enc = encodedDataOffset(bytes.empty() ? nullptr : bytes.data(), bytes.size());
  const size_t want = referenceEncodedOffset(bytes);
  FUZZ_CHECK(enc == want && enc <= size, "encodedDataOffset %zu, reference %zu, length %zu", enc, want, size);

  if (v == HeaderVerdict::kOpenable) {
    FUZZ_CHECK(same(h, r.h), "fields differ: sequence %u/%u counter %llu/%llu dataOffset %zu/%zu", h.sequence,
               r.h.sequence, static_cast<unsigned long long>(h.counter), static_cast<unsigned long long>(r.h.counter),
               h.dataOffset, r.h.dataOffset);
    FUZZ_CHECK(h.dataOffset >= 12 && h.dataOffset + kTagBytes <= size, "dataOffset %zu of %zu bytes", h.dataOffset, size);
    FUZZ_CHECK(enc == h.dataOffset, "encodedDataOffset %zu, dataOffset %zu", enc, h.dataOffset);
    SealedHeader shorter, exact;
    FUZZ_CHECK(parsePrefix(bytes, h.dataOffset + kTagBytes - 1, &shorter) == HeaderVerdict::kMalformed,
               "a prefix without room for the tag is not malformed");
    FUZZ_CHECK(parsePrefix(bytes, h.dataOffset + kTagBytes, &exact) == HeaderVerdict::kOpenable && same(exact, h),
               "the prefix of exactly header + tag parses differently");
  } else if (v == HeaderVerdict::kRaw) {
    SealedHeader four;
    FUZZ_CHECK(parsePrefix(bytes, 4, &four) == HeaderVerdict::kRaw, "raw depends on more than the fixed header");
  }
  return 0;
}
