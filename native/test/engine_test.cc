// Tests of the engine side of the C++ core (no Node): the ack window (against a plain model),
// the sealed-header parser (against an independent reference parse, on every truncation of
// every type/flag combination and on random bytes) and the UDP engine over 127.0.0.1 (sealing,
// opening, replay, forgery, strangers, truncation, small output buffers, hostile send metas).
// Built with -fsanitize=address,undefined by run.sh; every buffer the core gets is a heap
// vector of exactly the size it may touch, so any stray byte is reported.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../ack_window.h"
#include "../aead.h"
#include "../sealed_header.h"
#include "../status.h"
#include "../udp_engine.h"
#include "../fuzz/ack_window_model.h"

#include "check.h"

using namespace paperclip;
using namespace paperclip::test;
using Buf = std::vector<uint8_t>;

namespace {

// xorshift64*, deterministic.
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9e3779b97f4a7c15ull | 1) {}
  uint64_t next() {
    s ^= s >> 12; s ^= s << 25; s ^= s >> 27;
    return s * 0x2545f4914f6cdd1dull;
  }
  uint64_t below(uint64_t n) { return next() % n; }
};

Buf noise(size_t n, uint64_t seed) {
  Rng r(seed);
  Buf out(n);
  for (auto& b : out) b = static_cast<uint8_t>(r.next() >> 56);
  return out;
}

std::string u64s(uint64_t v) { return std::to_string(v); }

// ---- ack window ---------------------------------------------------------------------------

constexpr uint64_t kMax53 = (uint64_t{1} << 53) - 1;

using WindowModel = fuzz::AckWindowModel;

std::string layoutMismatch(const std::vector<uint32_t>& w, const WindowModel& m) { return fuzz::ackWindowLayoutMismatch(w, m); }

// Random check/commit over counters from `start`: runs of +1, reordering, duplicates, too-old
// values, jumps around and beyond 1024 and large jumps, clamped to 2^53 - 1.
// `huge` adds jumps of 2^10..2^40 and random values below 2^40.
void testCounterWindow(uint64_t start, size_t steps, uint64_t seed, bool huge, const std::string& name) {
  std::vector<uint32_t> words(kAckWindowWords);
  AckWindowView win(words.data());
  WindowModel model;
  Rng r(seed);
  std::string bad;
  size_t commits = 0;
  for (size_t step = 0; step < steps && bad.empty(); step++) {
    const uint64_t top = model.top < 0 ? start : static_cast<uint64_t>(model.top);
    uint64_t v;
    const uint64_t pick = r.below(100);
    if (pick < 40) v = top + 1 + r.below(3);
    else if (pick < 55) v = top - std::min<uint64_t>(top, r.below(40));
    else if (pick < 70) v = top - std::min<uint64_t>(top, r.below(1100));
    else if (pick < 82) v = top + 1 + r.below(2048);
    else if (pick < 90) v = top + 1022 + r.below(4);  // exactly around the window size
    else if (pick < 93) v = top - std::min<uint64_t>(top, 1022 + r.below(4));
    else if (pick < 96) v = huge ? top + (uint64_t{1} << (10 + r.below(30))) + r.below(1000) : top + 1 + r.below(8192);
    else if (huge) v = r.below(uint64_t{1} << 40);
    else v = top - std::min<uint64_t>(top, r.below(100000));
    v = std::min(v, kMax53);
    const bool got = win.check(v);
    if (got != model.check(v)) {
      bad = "check(" + u64s(v) + ") = " + std::to_string(got) + " at step " + std::to_string(step);
      break;
    }
    if (got && r.below(8) != 0) {
      win.commit(v);
      model.commit(v);
      commits++;
    }
    if (win.highest() != model.top) bad = "highest " + std::to_string(win.highest()) + " at step " + std::to_string(step);
    if (bad.empty() && (step % 8 == 0 || got)) {
      const std::string why = layoutMismatch(words, model);
      if (!why.empty()) bad = why + " at step " + std::to_string(step);
    }
    // a few fixed probes relative to the top
    if (bad.empty() && model.top >= 0) {
      const auto t = static_cast<uint64_t>(model.top);
      for (uint64_t probe : {t, t + 1, t - std::min<uint64_t>(t, 1023), t - std::min<uint64_t>(t, 1024), uint64_t{0}, kMax53}) {
        if (win.check(probe) != model.check(probe)) bad = "probe check(" + u64s(probe) + ") at step " + std::to_string(step);
      }
    }
  }
  check(bad.empty() && commits > steps / 8, "ack window counters " + name + ": " + (bad.empty() ? "agrees with the model" : bad));
}

// The 16-bit sequence id use: extended ids, duplicates, ack id and ack bits.
struct SequenceModel {
  WindowModel w;
  uint64_t unwrap(uint16_t s) const { return w.unwrap(s); }
  bool record(uint16_t s) {
    const uint64_t e = unwrap(s);
    if (!w.check(e)) return false;
    w.commit(e);
    return true;
  }
  uint16_t ackId() const { return w.ackId(); }
  uint32_t ackBits() const { return w.ackBits(); }
};

void testSequenceWindow(uint16_t first, size_t steps, uint64_t seed, const std::string& name) {
  std::vector<uint32_t> words(kAckWindowWords);
  AckWindowView win(words.data());
  SequenceModel model;
  Rng r(seed);
  uint16_t cur = first;
  std::string bad;
  size_t wraps = 0, accepted = 0;
  for (size_t step = 0; step < steps && bad.empty(); step++) {
    uint16_t s;
    const uint64_t pick = r.below(100);
    if (step == 0) s = first;
    else if (pick < 50) s = static_cast<uint16_t>(cur + 1 + r.below(3));
    else if (pick < 65) s = static_cast<uint16_t>(cur - r.below(40));
    else if (pick < 75) s = static_cast<uint16_t>(cur - r.below(1100));
    else if (pick < 85) s = static_cast<uint16_t>(cur + 30 + r.below(2000));
    else if (pick < 90) s = static_cast<uint16_t>(cur + 32766 + r.below(4));  // the half-range edge
    else if (pick < 93) s = static_cast<uint16_t>(r.next());
    else s = cur;
    const uint64_t expectedExt = model.unwrap(s);
    if (win.unwrap(s) != expectedExt) {
      bad = "unwrap(" + std::to_string(s) + ") = " + u64s(win.unwrap(s)) + ", model " + u64s(expectedExt);
      break;
    }
    if (win.isNew(s) != model.w.check(expectedExt)) {
      bad = "isNew(" + std::to_string(s) + ") at step " + std::to_string(step);
      break;
    }
    const int64_t before = model.w.top;
    const bool got = win.record(s);
    if (got != model.record(s)) {
      bad = "record(" + std::to_string(s) + ") = " + std::to_string(got) + " at step " + std::to_string(step);
      break;
    }
    if (got) {
      accepted++;
      if (model.w.top != before && static_cast<uint16_t>(model.w.top) < static_cast<uint16_t>(before) && before >= 0) wraps++;
    }
    if (model.w.top >= 0) cur = model.ackId();
    if (win.highest() != model.w.top || !win.hasReceived() || win.ackId() != model.ackId() ||
        win.ackBits() != model.ackBits() || words[3] != model.ackBits()) {
      bad = "ack fields at step " + std::to_string(step) + ": id " + std::to_string(win.ackId()) + "/" +
            std::to_string(model.ackId()) + " bits " + std::to_string(win.ackBits()) + "/" + std::to_string(model.ackBits());
    }
    if (bad.empty() && step % 8 == 0) {
      const std::string why = layoutMismatch(words, model.w);
      if (!why.empty()) bad = why + " at step " + std::to_string(step);
    }
  }
  check(bad.empty() && wraps >= 2 && accepted > steps / 3,
        "ack window sequences " + name + ": " + (bad.empty() ? "agrees with the model (" + std::to_string(wraps) + " wraps)" : bad));
}

void testAckWindowFixed() {
  std::vector<uint32_t> w(kAckWindowWords);
  AckWindowView win(w.data());
  check(win.highest() == -1 && !win.hasReceived() && win.check(0) && win.check(kMax53), "empty window accepts anything");
  win.commit(0);
  check(win.highest() == 0 && !win.check(0) && win.check(1) && w[0] == 1 && w[4] == 1, "commit 0");
  const uint64_t big = (uint64_t{1} << 40) + 5;
  win.commit(big);
  check(w[1] == 0x100 && w[2] == 5 && w[4] == (1u << 5) && !win.check(big) && !win.check(0) && win.check(big - 1),
        "jump to 2^40 + 5: top words, bitmap reset to the one slot (shared layout)");
  win.commit(big - 1023);
  check(!win.check(big - 1023) && !win.check(big - 1024) && win.check(big - 1022), "oldest slot of the window");
  win.commit(big + 1023);
  check(win.check(big + 1) && !win.check(big) && !win.check(big - 1),
        "advancing 1023 keeps the old top's bit, drops what fell out");
  win.commit(kMax53);
  check(win.highest() == static_cast<int64_t>(kMax53) && !win.check(kMax53) && win.check(kMax53 - 1) &&
            !win.check(kMax53 - 1024) && w[1] == 0x1fffff && w[2] == 0xffffffffu,
        "2^53 - 1");

  std::vector<uint32_t> s(kAckWindowWords);
  AckWindowView seq(s.data());
  check(seq.unwrap(7) == 0x10007, "first id lands one wrap up");
  check(seq.record(7) && seq.ackId() == 7 && seq.ackBits() == 0, "record 7");
  check(seq.record(9) && seq.ackId() == 9 && seq.ackBits() == 0b10, "record 9: bit 1 = 7");
  check(seq.record(8) && seq.ackBits() == 0b11 && !seq.record(8) && !seq.isNew(7), "record 8, duplicates refused");
  check(seq.unwrap(0xffff) == 0xffff && seq.record(0xffff) && seq.ackBits() == (0b11u | (1u << 9)),
        "an id from before the first wraps down");
  check(seq.record(9 + 32) && seq.ackBits() == (1u << 31) && seq.record(9 + 32 + 33) && seq.ackBits() == 0,
        "shift 32 keeps only the old top; 33 clears");
  std::vector<uint32_t> t(kAckWindowWords);
  AckWindowView wrap(t.data());
  check(wrap.record(0xfffe) && wrap.record(1) && wrap.ackId() == 1 && wrap.ackBits() == 0b100 &&
            wrap.highest() == 0x20001 && wrap.record(0xffff) && wrap.ackBits() == 0b110,
        "wrap-around 0xfffe -> 1 -> 0xffff");
  check(!wrap.isNew(static_cast<uint16_t>(1 + 0x8000)) && wrap.isNew(static_cast<uint16_t>(1 + 0x7fff)),
        "half range: +32768 is old, +32767 is new");
}

void testAckWindow() {
  testAckWindowFixed();
  testCounterWindow(0, 120000, 1, true, "from 0, jumps up to 2^40");
  testCounterWindow(0xffffffffull - 3000, 120000, 2, false, "across 2^32");
  testCounterWindow(kMax53 - 20000000, 120000, 3, false, "up to 2^53 - 1");
  testSequenceWindow(0, 200000, 4, "from 0");
  testSequenceWindow(0xfff0, 200000, 5, "from 0xfff0");
  testSequenceWindow(0x8000, 200000, 6, "from 0x8000");
}

// ---- sealed header ------------------------------------------------------------------------

uint8_t allowedFlagsOf(uint8_t type) {  // lib/wire/constants.ts ALLOWED_FLAGS
  switch (type) {
    case 0: return 0x80 | 0x40 | 0x20 | 0x10 | 0x08;
    case 1: return 0x80 | 0x40 | 0x20 | 0x10;
    default: return 0x80 | 0x40 | 0x10;
  }
}

struct Ref {
  HeaderVerdict verdict = HeaderVerdict::kMalformed;
  SealedHeader h;
};

uint64_t readBe(const Buf& b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) v = v << 8 | b[at + i];
  return v;
}

// decode.ts order for the accepted subset: fixed header checks, then (sealed, no checksum,
// not AUTH/ERROR) fragment, counter, type fields, at least a tag of data.
Ref refParse(const Buf& b) {
  Ref r;
  if (b.size() < 4) return r;
  const unsigned version = b[0] >> 4, type = b[0] & 15u, flags = b[1];
  if (version != 1 || type > 4 || (flags & 7u) != 0 || (flags & ~unsigned{allowedFlagsOf(static_cast<uint8_t>(type))}) != 0) return r;
  if (!(flags & 0x10) || (flags & 0x40) || type == 2 || type == 4) {
    r.verdict = HeaderVerdict::kRaw;
    return r;
  }
  r.h.type = static_cast<uint8_t>(type);
  r.h.flags = static_cast<uint8_t>(flags);
  r.h.sequence = static_cast<uint16_t>(readBe(b, 2, 2));
  size_t at = 4;
  if (flags & 0x08) {
    if (b.size() < 8) return r;
    r.h.fragmentId = static_cast<uint16_t>(readBe(b, 4, 2));
    r.h.fragmentCount = static_cast<uint16_t>(readBe(b, 6, 2));
    if (r.h.fragmentCount == 0 || r.h.fragmentId >= r.h.fragmentCount) return r;
    at = 8;
  }
  if (b.size() < at + 8) return r;
  r.h.counter = readBe(b, at, 8);
  if (r.h.counter > kMax53) return r;
  at += 8;
  if (type == 1) {
    if (b.size() < at + 6) return r;
    r.h.ackId = static_cast<uint16_t>(readBe(b, at, 2));
    r.h.ackBits = static_cast<uint32_t>(readBe(b, at + 2, 4));
    at += 6;
  } else if (type == 3) {
    if (b.size() < at + 1 || b[at] > 1) return r;
    r.h.heartbeat = b[at];
    at += 1;
  }
  if (b.size() < at + 16) return r;
  r.h.dataOffset = at;
  r.verdict = HeaderVerdict::kOpenable;
  return r;
}

// layout.ts: where this library's own encoder puts the data (0 for AUTH / reserved types or
// when the header does not fit).
size_t refEncodedOffset(const Buf& b) {
  if (b.size() < 4) return 0;
  const unsigned type = b[0] & 15u, flags = b[1];
  if (type == 2 || type > 4) return 0;
  size_t at = 4 + (flags & 0x08 ? 4 : 0) + (flags & 0x10 ? 8 : 0) + (flags & 0x40 ? 4 : 0);
  at += type == 1 ? 6 : (type == 3 || type == 4) ? 1 : 0;
  return at <= b.size() ? at : 0;
}

const char* verdictName(HeaderVerdict v) {
  return v == HeaderVerdict::kOpenable ? "openable" : v == HeaderVerdict::kRaw ? "raw" : "malformed";
}

bool sameHeader(const SealedHeader& a, const SealedHeader& b) {
  return a.type == b.type && a.flags == b.flags && a.sequence == b.sequence && a.fragmentId == b.fragmentId &&
         a.fragmentCount == b.fragmentCount && a.counter == b.counter && a.ackId == b.ackId &&
         a.ackBits == b.ackBits && a.heartbeat == b.heartbeat && a.dataOffset == b.dataOffset;
}

// Parses `bytes` from an exact-size heap copy; "" when it agrees with the reference.
std::string parseMismatch(const Buf& bytes) {
  Buf exact(bytes);
  SealedHeader h;
  const HeaderVerdict v = parseSealedHeader(exact.empty() ? nullptr : exact.data(), exact.size(), &h);
  const Ref r = refParse(bytes);
  if (v != r.verdict) return std::string("verdict ") + verdictName(v) + ", reference " + verdictName(r.verdict);
  if (v == HeaderVerdict::kOpenable) {
    if (!sameHeader(h, r.h)) return "fields differ";
    if (h.dataOffset + kTagBytes > exact.size()) return "data offset leaves no tag";
  }
  const size_t enc = encodedDataOffset(exact.empty() ? nullptr : exact.data(), exact.size());
  if (enc != refEncodedOffset(bytes) || enc > exact.size()) return "encodedDataOffset " + std::to_string(enc);
  if (v == HeaderVerdict::kOpenable && enc != h.dataOffset) return "encodedDataOffset differs from dataOffset";
  return {};
}

struct Fields {
  uint16_t fragmentId = 1, fragmentCount = 3;
  uint64_t counter = 0;
  uint16_t ackId = 0xa55a;
  uint32_t ackBits = 0x80000001u;
  uint8_t typeByte = 1;  // heartbeat value / error code
};

struct Datagram {
  Buf bytes;
  size_t dataOffset = 0;
};

void putBe(Buf& b, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; i++) b.push_back(static_cast<uint8_t>(v >> (8 * (n - 1 - i))));
}

// A datagram laid out as lib/wire/layout.ts does for any type/flags (the type fields of AUTH:
// kind, key size 0, cert size 0), then `data`, then `tail` zero bytes (the tag's room).
Datagram build(uint8_t version, uint8_t type, uint8_t flags, uint16_t sequence, const Buf& data, const Fields& f = {},
               size_t tail = 16) {
  Datagram d;
  Buf& b = d.bytes;
  b.push_back(static_cast<uint8_t>(version << 4 | (type & 15)));
  b.push_back(flags);
  putBe(b, sequence, 2);
  if (flags & kFlagFrag) putBe(b, uint64_t{f.fragmentId} << 16 | f.fragmentCount, 4);
  if (flags & kFlagEncrypted) putBe(b, f.counter, 8);
  if (flags & kFlagChecksum) putBe(b, 0x12345678, 4);
  if (type == kTypeAck) putBe(b, uint64_t{f.ackId} << 32 | f.ackBits, 6);
  if (type == kTypeHeartbeat || type == kTypeError) b.push_back(f.typeByte);
  if (type == kTypeAuth) putBe(b, 0x01000000, 4);
  d.dataOffset = b.size();
  b.insert(b.end(), data.begin(), data.end());
  b.insert(b.end(), tail, 0);
  return d;
}

void testSealedHeaderTruncations() {
  std::string bad;
  size_t openable = 0, raw = 0, malformed = 0;
  const Buf data = noise(5, 71);
  for (uint8_t version : {0, 1, 2, 15}) {
    for (unsigned type = 0; type < 16; type++) {
      for (unsigned flags = 0; flags < 256 && bad.empty(); flags++) {
        const Datagram d = build(version, static_cast<uint8_t>(type), static_cast<uint8_t>(flags), 0xbeef, data);
        for (size_t cut = 0; cut <= d.bytes.size() && bad.empty(); cut++) {
          const Buf prefix(d.bytes.begin(), d.bytes.begin() + cut);
          const std::string why = parseMismatch(prefix);
          if (!why.empty()) {
            bad = why + " (version " + std::to_string(version) + " type " + std::to_string(type) + " flags " +
                  std::to_string(flags) + ", " + std::to_string(cut) + " bytes)";
          }
          const HeaderVerdict v = refParse(prefix).verdict;
          (v == HeaderVerdict::kOpenable ? openable : v == HeaderVerdict::kRaw ? raw : malformed)++;
        }
      }
    }
  }
  check(bad.empty() && openable > 0 && raw > 0 && malformed > 0,
        "sealed header: every truncation of every version/type/flags agrees with the reference" +
            (bad.empty() ? " (" + std::to_string(openable) + " openable, " + std::to_string(raw) + " raw, " +
                               std::to_string(malformed) + " malformed)"
                         : ": " + bad));
}

void testSealedHeaderRandom() {
  Rng r(81);
  std::string bad;
  size_t openable = 0;
  for (size_t i = 0; i < 300000 && bad.empty(); i++) {
    Buf b = noise(r.below(48), r.next());
    // bias toward headers that get far: version 1, a known type, allowed flags, small counters
    if (b.size() >= 2 && r.below(4) != 0) {
      const uint8_t type = static_cast<uint8_t>(r.below(5));
      b[0] = static_cast<uint8_t>(0x10 | type);
      b[1] = static_cast<uint8_t>(r.next() & allowedFlagsOf(type) & ~(r.below(2) ? kFlagChecksum : 0));
      if (r.below(2)) b[1] |= kFlagEncrypted;
      const size_t counterAt = 4 + (b[1] & kFlagFrag ? 4 : 0);
      if (r.below(2) && b.size() > counterAt + 2) b[counterAt] = b[counterAt + 1] = 0;
      if (r.below(2) && b.size() > counterAt) b[counterAt] &= 0x1f;
    }
    const std::string why = parseMismatch(b);
    if (!why.empty()) bad = why + " on random input #" + std::to_string(i);
    if (refParse(b).verdict == HeaderVerdict::kOpenable) openable++;
  }
  check(bad.empty() && openable > 1000,
        "sealed header: 300,000 random inputs agree with the reference" + (bad.empty() ? "" : ": " + bad));
}

void testSealedHeaderCases() {
  const Buf d16(16), d0;
  struct Case {
    const char* what;
    Datagram d;
    HeaderVerdict verdict;
    size_t dataOffset;
  };
  Fields f;
  Fields fragBad = f;
  fragBad.fragmentId = 3;
  Fields fragZero = f;
  fragZero.fragmentId = 0;
  fragZero.fragmentCount = 0;
  Fields fragLast = f;
  fragLast.fragmentId = 0xfffe;
  fragLast.fragmentCount = 0xffff;
  Fields c53 = f;
  c53.counter = uint64_t{1} << 53;
  Fields cMax = f;
  cMax.counter = kMax53;
  Fields cAll = f;
  cAll.counter = ~uint64_t{0};
  Fields hb2 = f;
  hb2.typeByte = 2;
  Fields hb0 = f;
  hb0.typeByte = 0;
  const uint8_t E = kFlagEncrypted;
  const std::vector<Case> cases = {
      {"DEFAULT sealed", build(1, 0, E, 1, d0), HeaderVerdict::kOpenable, 12},
      {"DEFAULT sealed reliable compressed", build(1, 0, E | 0xa0, 1, d16), HeaderVerdict::kOpenable, 12},
      {"DEFAULT sealed fragment", build(1, 0, E | kFlagFrag, 1, d0, f), HeaderVerdict::kOpenable, 16},
      {"fragment 0xfffe of 0xffff", build(1, 0, E | kFlagFrag, 1, d0, fragLast), HeaderVerdict::kOpenable, 16},
      {"ACK sealed", build(1, 1, E, 1, d0), HeaderVerdict::kOpenable, 18},
      {"HEARTBEAT PONG sealed", build(1, 3, E, 1, d0), HeaderVerdict::kOpenable, 13},
      {"HEARTBEAT PING sealed", build(1, 3, E, 1, d0, hb0), HeaderVerdict::kOpenable, 13},
      {"counter 2^53 - 1", build(1, 0, E, 1, d0, cMax), HeaderVerdict::kOpenable, 12},
      {"data of 15 bytes (shorter than the tag)", build(1, 0, E, 1, d0, f, 15), HeaderVerdict::kMalformed, 0},
      {"ACK data of 15 bytes", build(1, 1, E, 1, d0, f, 15), HeaderVerdict::kMalformed, 0},
      {"counter 2^53", build(1, 0, E, 1, d0, c53), HeaderVerdict::kMalformed, 0},
      {"counter 2^64 - 1", build(1, 0, E, 1, d0, cAll), HeaderVerdict::kMalformed, 0},
      {"fragment id = count", build(1, 0, E | kFlagFrag, 1, d0, fragBad), HeaderVerdict::kMalformed, 0},
      {"fragment count 0", build(1, 0, E | kFlagFrag, 1, d0, fragZero), HeaderVerdict::kMalformed, 0},
      {"heartbeat value 2", build(1, 3, E, 1, d0, hb2), HeaderVerdict::kMalformed, 0},
      {"version 0", build(0, 0, E, 1, d0), HeaderVerdict::kMalformed, 0},
      {"version 2", build(2, 0, E, 1, d0), HeaderVerdict::kMalformed, 0},
      {"type 5", build(1, 5, E, 1, d0), HeaderVerdict::kMalformed, 0},
      {"type 15", build(1, 15, E, 1, d0), HeaderVerdict::kMalformed, 0},
      {"reserved flag 0x01", build(1, 0, E | 0x01, 1, d0), HeaderVerdict::kMalformed, 0},
      {"reserved flag 0x04", build(1, 0, E | 0x04, 1, d0), HeaderVerdict::kMalformed, 0},
      {"ACK with FRAG", build(1, 1, E | kFlagFrag, 1, d0), HeaderVerdict::kMalformed, 0},
      {"HEARTBEAT with COMPRESSED", build(1, 3, E | kFlagCompressed, 1, d0), HeaderVerdict::kMalformed, 0},
      {"AUTH with FRAG", build(1, 2, kFlagFrag, 1, d0), HeaderVerdict::kMalformed, 0},
      {"DEFAULT plain", build(1, 0, 0, 1, d0), HeaderVerdict::kRaw, 0},
      {"DEFAULT sealed with CHECKSUM", build(1, 0, E | kFlagChecksum, 1, d0), HeaderVerdict::kRaw, 0},
      {"AUTH sealed", build(1, 2, E, 1, d0), HeaderVerdict::kRaw, 0},
      {"ERROR sealed", build(1, 4, E, 1, d0), HeaderVerdict::kRaw, 0},
      {"raw even when the rest is cut off", Datagram{{0x10, 0x00, 0, 0}, 0}, HeaderVerdict::kRaw, 0},
      {"3 bytes", Datagram{{0x10, 0x10, 0}, 0}, HeaderVerdict::kMalformed, 0},
  };
  for (const Case& c : cases) {
    const Buf exact(c.d.bytes);
    SealedHeader h;
    const HeaderVerdict v = parseSealedHeader(exact.data(), exact.size(), &h);
    check(v == c.verdict && (v != HeaderVerdict::kOpenable || h.dataOffset == c.dataOffset) && parseMismatch(exact).empty(),
          std::string("sealed header: ") + c.what + " -> " + verdictName(c.verdict));
  }
  const Datagram ack = build(1, 1, E | kFlagReliable, 0xfedc, d0, f);
  SealedHeader h;
  check(parseSealedHeader(ack.bytes.data(), ack.bytes.size(), &h) == HeaderVerdict::kOpenable && h.type == 1 &&
            h.flags == (E | kFlagReliable) && h.sequence == 0xfedc && h.ackId == 0xa55a && h.ackBits == 0x80000001u &&
            h.counter == 0,
        "sealed header: ACK fields read big-endian");
  check(encodedDataOffset(nullptr, 0) == 0, "encodedDataOffset of nothing");
}

// ---- udp engine ---------------------------------------------------------------------------

struct Received {
  std::vector<int32_t> m;
  Buf data;
};

ReceiveTarget targetOf(Buf& out, std::vector<int32_t>& meta) {
  return ReceiveTarget{MutableBytes{out.data(), out.size()}, Array<int32_t>{meta.data(), meta.size()}};
}

// Receives into exact-size buffers until `done` holds (bounded: about 5 s), sleeping 1 ms
// whenever nothing came. Entries are copied out, as JS would before the next receive.
bool poll(UdpEngine& e, std::vector<Received>& got, const std::function<bool()>& done, size_t outBytes = 4 * 65536,
          size_t metaInts = 4 * kMetaInts, uint32_t rounds = 4) {
  Buf out(outBytes);
  std::vector<int32_t> meta(metaInts);
  for (int i = 0; i < 5000; i++) {
    const size_t n = e.receive(targetOf(out, meta), rounds);
    if (n > metaInts / kMetaInts) {
      std::printf("FAIL receive returned %zu entries for room of %zu\n", n, metaInts / kMetaInts);
      failed++;
      return false;
    }
    for (size_t k = 0; k < n; k++) {
      Received r;
      r.m.assign(meta.begin() + static_cast<long>(k * kMetaInts), meta.begin() + static_cast<long>((k + 1) * kMetaInts));
      if (r.m[0] == kEntryOpened || r.m[0] == kEntryRaw) {
        const int64_t off = r.m[2], len = r.m[3];
        if (off < 0 || len < 0 || static_cast<uint64_t>(off + len) > out.size()) {
          std::printf("FAIL entry span %lld+%lld outside out (%zu)\n", static_cast<long long>(off), static_cast<long long>(len), out.size());
          failed++;
          return false;
        }
        r.data.assign(out.begin() + off, out.begin() + off + len);
      }
      got.push_back(std::move(r));
    }
    if (done()) return true;
    if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

int plainSocket() {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("plain socket");
  return fd;
}

uint16_t portOf(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

void sendTo(int fd, uint16_t port, const Buf& bytes) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  static const uint8_t kNothing = 0;
  if (sendto(fd, bytes.empty() ? &kNothing : bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a) !=
      static_cast<ssize_t>(bytes.size())) {
    throw std::runtime_error("sendto");
  }
}

// Waits (bounded) for one datagram on a plain socket.
bool receiveOn(int fd, Buf* out) {
  Buf room(65536);
  for (int i = 0; i < 5000; i++) {
    const ssize_t n = recv(fd, room.data(), room.size(), MSG_DONTWAIT);
    if (n >= 0) {
      out->assign(room.begin(), room.begin() + n);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// The 16 address bytes entries carry for 127.0.0.1 (IPv4-mapped IPv6).
const std::array<uint8_t, 16> kLoopbackIp = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};

bool rawEntryIs(const Received& r, int32_t slot, const Buf& bytes, uint16_t port) {
  std::array<uint8_t, 16> ip{};
  std::memcpy(ip.data(), r.m.data() + 15, 16);
  return r.m[0] == kEntryRaw && r.m[1] == slot && r.m[3] == static_cast<int32_t>(bytes.size()) && r.data == bytes &&
         r.m[12] == static_cast<int32_t>(bytes.size()) && r.m[13] == port && r.m[14] == 4 && ip == kLoopbackIp;
}

// iv prefix ‖ counter u64 BE (lib/protocol/handshake/nonce.ts writeCounterNonce).
Buf counterNonce(AeadAlgorithm alg, const uint8_t iv[16], uint64_t counter) {
  const size_t n = nonceBytes(alg);
  Buf nonce(iv, iv + (n - 8));
  putBe(nonce, counter, 8);
  return nonce;
}

// What a peer holding `key`/`iv` sends for plaintext datagram `d` under `counter`.
Buf sealAs(AeadAlgorithm alg, const uint8_t key[32], const uint8_t iv[16], const Datagram& d, uint64_t counter) {
  Buf out = d.bytes;
  const size_t counterAt = 4 + ((out[1] & kFlagFrag) ? 4 : 0);
  for (size_t i = 0; i < 8; i++) out[counterAt + i] = static_cast<uint8_t>(counter >> (56 - 8 * i));
  const size_t plain = out.size() - d.dataOffset - kTagBytes;
  Buf sealed(plain + kTagBytes);
  const Buf nonce = counterNonce(alg, iv, counter);
  aeadSeal(alg, key, nonce.data(), Bytes{out.data(), d.dataOffset}, Bytes{out.data() + d.dataOffset, plain}, sealed.data());
  std::copy(sealed.begin(), sealed.end(), out.begin() + static_cast<long>(d.dataOffset));
  return out;
}

SlotKeys keysFor(AeadAlgorithm alg, uint64_t seed) {
  SlotKeys k;
  k.algorithm = alg;
  const Buf n = noise(96, seed);
  std::memcpy(k.sendKey, n.data(), 32);
  std::memcpy(k.sendIv, n.data() + 32, 16);
  std::memcpy(k.receiveKey, n.data() + 48, 32);
  std::memcpy(k.receiveIv, n.data() + 80, 16);
  return k;
}

SlotKeys swapped(const SlotKeys& k) {
  SlotKeys s = k;
  std::memcpy(s.sendKey, k.receiveKey, 32);
  std::memcpy(s.sendIv, k.receiveIv, 16);
  std::memcpy(s.receiveKey, k.sendKey, 32);
  std::memcpy(s.receiveIv, k.sendIv, 16);
  return s;
}

// Send entries for datagrams laid end to end in one buffer.
struct Outgoing {
  Buf bytes;
  std::vector<int32_t> meta;
  std::vector<size_t> offsets;
  void add(const Buf& datagram, int32_t slot, bool seal) {
    offsets.push_back(bytes.size());
    meta.insert(meta.end(), {slot, static_cast<int32_t>(bytes.size()), static_cast<int32_t>(datagram.size()), seal ? 1 : 0, 0, 0, 0, 0, 0, 0});
    bytes.insert(bytes.end(), datagram.begin(), datagram.end());
  }
  size_t count() const { return offsets.size(); }
  Buf at(size_t i) const {
    const size_t end = i + 1 < offsets.size() ? offsets[i + 1] : bytes.size();
    return Buf(bytes.begin() + static_cast<long>(offsets[i]), bytes.begin() + static_cast<long>(end));
  }
  size_t sendWith(UdpEngine& e) {
    return e.send(MutableBytes{bytes.data(), bytes.size()}, Array<const int32_t>{meta.data(), meta.size()}, count());
  }
};

bool openedEntryIs(const Received& r, int32_t slot, const Datagram& plain, const Fields& f, size_t wireLength) {
  const uint8_t type = plain.bytes[0] & 15, flags = plain.bytes[1];
  const Buf data(plain.bytes.begin() + static_cast<long>(plain.dataOffset), plain.bytes.end() - kTagBytes);
  const uint16_t sequence = static_cast<uint16_t>(plain.bytes[2] << 8 | plain.bytes[3]);
  const bool frag = flags & kFlagFrag;
  return r.m[0] == kEntryOpened && r.m[1] == slot && r.m[3] == static_cast<int32_t>(data.size()) && r.data == data &&
         r.m[4] == type && r.m[5] == flags && r.m[6] == sequence &&
         r.m[7] == (type == kTypeAck ? f.ackId : 0) && r.m[8] == static_cast<int32_t>(type == kTypeAck ? f.ackBits : 0) &&
         r.m[9] == (frag ? f.fragmentId : 0) && r.m[10] == (frag ? f.fragmentCount : 0) &&
         r.m[11] == (type == kTypeHeartbeat ? f.typeByte : 0) && r.m[12] == static_cast<int32_t>(wireLength);
}

struct StatsDelta {
  EngineStats before;
  const UdpEngine& e;
  explicit StatsDelta(const UdpEngine& engine) : before(engine.stats()), e(engine) {}
  uint64_t in() const { return e.stats().datagramsIn - before.datagramsIn; }
  uint64_t opened() const { return e.stats().opened - before.opened; }
  uint64_t raw() const { return e.stats().raw - before.raw; }
  uint64_t malformed() const { return e.stats().malformed - before.malformed; }
  uint64_t unknown() const { return e.stats().unknownSource - before.unknownSource; }
  uint64_t replayed() const { return e.stats().replayed - before.replayed; }
  uint64_t forged() const { return e.stats().forged - before.forged; }
  uint64_t duplicates() const { return e.stats().duplicates - before.duplicates; }
  uint64_t sendErrors() const { return e.stats().sendErrors - before.sendErrors; }
};

void testEngine(AeadAlgorithm alg, const std::string& name) {
  // state first: the engines keep pointers into it
  std::vector<uint32_t> serverState(4 * kSlotWords), clientState(kSlotWords);
  std::unique_ptr<UdpEngine> server, client;
  try {
    server = std::make_unique<UdpEngine>("127.0.0.1", 0, true, Array<uint32_t>{serverState.data(), serverState.size()});
    client = std::make_unique<UdpEngine>("127.0.0.1", 0, false, Array<uint32_t>{clientState.data(), clientState.size()});
  } catch (const std::exception& err) {
    check(false, name + " engines bind 127.0.0.1: " + err.what());
    return;
  }
  const uint16_t serverPort = server->localPort(), clientPort = client->localPort();
  check(serverPort != 0 && clientPort != 0 && serverPort != clientPort && server->capacity() == 4 && client->capacity() == 1,
        name + " engines bound");
  const SlotKeys serverKeys = keysFor(alg, 100), clientKeys = swapped(serverKeys);
  check(server->attach(0, "127.0.0.1", clientPort, SlotMode::kSealed, &serverKeys).empty() &&
            client->attach(0, "127.0.0.1", serverPort, SlotMode::kSealed, &clientKeys).empty(),
        name + " attach sealed slots");

  // 1. N sealed entries of every openable shape, sealed by client.send, opened by the server.
  Fields f;
  f.fragmentId = 2;
  f.fragmentCount = 5;
  f.ackId = 0xbeef;
  f.ackBits = 0x80000001u;
  Fields ping = f;
  ping.typeByte = 0;
  const uint8_t E = kFlagEncrypted, R = kFlagReliable;
  std::vector<std::pair<Datagram, Fields>> plains = {
      {build(1, 0, E, 1, {'h', 'e', 'l', 'l', 'o'}, f), f},
      {build(1, 0, E | R, 2, {}, f), f},
      {build(1, 0, E | R | kFlagFrag, 3, noise(100, 1), f), f},
      {build(1, 0, E | kFlagCompressed, 4, noise(30, 2), f), f},
      {build(1, 1, E, 5, noise(3, 3), f), f},
      {build(1, 3, E, 6, {}, f), f},
      {build(1, 3, E | R, 7, noise(8, 4), ping), ping},
  };
  for (uint16_t s = 8; s <= 12; s++) plains.push_back({build(1, 0, E | R, s, noise(s * 97, s), f), f});
  Outgoing out;
  for (const auto& p : plains) out.add(p.first.bytes, 0, true);
  const size_t n = out.count();
  StatsDelta server1(*server);
  check(out.sendWith(*client) == n && client->stats().datagramsOut == n && clientState[kSlotSendHi] == 0 &&
            clientState[kSlotSendLo] == n,
        name + " client.send seals and sends " + std::to_string(n) + ", send counter advanced");
  bool sealedRight = true;
  for (size_t i = 0; i < n; i++) {
    sealedRight = sealedRight && out.at(i) == sealAs(alg, clientKeys.sendKey, clientKeys.sendIv, plains[i].first, i);
  }
  check(sealedRight, name + " engine seal = iv ‖ counter nonce, header as AAD, counter written in place");
  std::vector<Received> got;
  bool ok = poll(*server, got, [&] { return got.size() >= n; });
  bool match = ok && got.size() == n;
  for (size_t i = 0; match && i < n; i++) {
    match = openedEntryIs(got[i], 0, plains[i].first, plains[i].second, plains[i].first.bytes.size());
    if (!match) std::printf("  entry %zu differs\n", i);
  }
  check(match && server1.opened() == n, name + " server opens " + std::to_string(n) + " entries: plaintext, type, flags, fields");
  {
    const uint32_t* replay = serverState.data() + kSlotReplay;
    const uint32_t* received = serverState.data() + kSlotReceived;
    check(replay[0] == 1 && replay[1] == 0 && replay[2] == n - 1 && replay[4] == (1u << n) - 1 && received[0] == 1 &&
              received[2] == 0x10000 + n && received[3] == (1u << (n - 1)) - 1,
          name + " server slot words: replay window 0..N-1, sequence window ack id N, ack bits");
  }

  // 2. The same sealed bytes again (seal = 0 sends them as they are): replayed.
  {
    StatsDelta d(*server);
    Outgoing again = out;
    for (size_t i = 0; i < n; i++) again.meta[i * kSendInts + 3] = 0;
    const Datagram marker = build(1, 0, E, 13, noise(20, 13), f);
    check(again.sendWith(*client) == n, name + " resend sealed copies");
    Outgoing m;
    m.add(marker.bytes, 0, true);
    m.sendWith(*client);
    std::vector<Received> g;
    ok = poll(*server, g, [&] { return d.replayed() >= n && !g.empty(); });
    check(ok && d.replayed() == n && g.size() == 1 && openedEntryIs(g[0], 0, marker, f, marker.bytes.size()),
          name + " replayed copies counted, no entries");
  }

  // 3. Fresh counters, old sequence ids: duplicates; only reliable ones reach JS (for the ACK).
  {
    StatsDelta d(*server);
    Outgoing dup;
    dup.add(plains[0].first.bytes, 0, true);  // seq 1, unreliable
    dup.add(plains[1].first.bytes, 0, true);  // seq 2, reliable
    const Datagram marker = build(1, 0, E, 14, noise(1, 14), f);
    dup.add(marker.bytes, 0, true);
    check(dup.sendWith(*client) == 3, name + " send duplicates");
    std::vector<Received> g;
    ok = poll(*server, g, [&] { return g.size() >= 2; });
    check(ok && d.duplicates() == 2 && g.size() == 2 && g[0].m[0] == kEntryDuplicate && g[0].m[1] == 0 &&
              g[0].m[12] == static_cast<int32_t>(plains[1].first.bytes.size()) && openedEntryIs(g[1], 0, marker, f, marker.bytes.size()),
          name + " duplicate ids: unreliable dropped, reliable -> DUPLICATE entry with the wire length");
  }

  // 4. A plain socket as sealed peer (slot 1): truncations, bit flips, wrong key, window.
  const int peer = plainSocket(), stranger = plainSocket(), rawPeer = plainSocket();
  const SlotKeys peerServerKeys = keysFor(alg, 200), peerKeys = swapped(peerServerKeys);
  check(server->attach(1, "127.0.0.1", portOf(peer), SlotMode::kSealed, &peerServerKeys).empty(), name + " attach the peer");
  const auto peerSeal = [&](const Datagram& d, uint64_t counter) { return sealAs(alg, peerKeys.sendKey, peerKeys.sendIv, d, counter); };
  uint16_t peerSeq = 100;
  const auto waitOpened = [&](const std::vector<Received>& g, size_t k) {
    size_t opened = 0;
    for (const auto& r : g) opened += r.m[0] == kEntryOpened;
    return opened >= k;
  };
  {
    const Datagram first = build(1, 1, E, peerSeq++, noise(40, 5), f);
    sendTo(peer, serverPort, peerSeal(first, 0));
    std::vector<Received> g;
    ok = poll(*server, g, [&] { return !g.empty(); });
    check(ok && g.size() == 1 && openedEntryIs(g[0], 1, first, f, first.bytes.size()), name + " peer's own sealing opens (slot 1)");
  }
  {
    StatsDelta d(*server);
    const Datagram plain = build(1, 0, E | kFlagFrag, peerSeq++, noise(33, 6), f);
    const Buf sealed = peerSeal(plain, 7);
    // A zero-length datagram: no entry, counted as malformed.
    size_t wantMalformed = 1, wantForged = 0, sentCount = 1;
    sendTo(peer, serverPort, {});
    for (size_t cut = 1; cut < sealed.size(); cut++) {
      sendTo(peer, serverPort, Buf(sealed.begin(), sealed.begin() + static_cast<long>(cut)));
      (cut < plain.dataOffset + kTagBytes ? wantMalformed : wantForged)++;
      sentCount++;
    }
    size_t flips = 0;
    for (size_t i = 2; i < sealed.size(); i++) {  // sequence, counter's low byte, ciphertext, tag
      if (i >= 4 && i < 15) continue;  // fragment fields and the counter's high bytes change the verdict
      flips++;
      Buf flipped = sealed;
      flipped[i] ^= static_cast<uint8_t>(1u << (i % 8));
      sendTo(peer, serverPort, flipped);
      wantForged++;
      sentCount++;
    }
    sendTo(peer, serverPort, sealAs(alg, peerKeys.receiveKey, peerKeys.sendIv, plain, 7));  // wrong key
    sendTo(peer, serverPort, sealAs(alg, peerKeys.sendKey, peerKeys.receiveIv, plain, 7));  // wrong iv
    wantForged += 2;
    sendTo(peer, serverPort, sealed);  // still new: nothing above committed counter 7
    sentCount += 3;
    std::vector<Received> g;
    ok = poll(*server, g, [&] { return !g.empty() && d.in() >= sentCount; });
    check(ok && d.in() == sentCount && d.malformed() == wantMalformed && d.forged() == wantForged && d.opened() == 1 && g.size() == 1 &&
              openedEntryIs(g[0], 1, plain, f, sealed.size()),
          name + " every truncation (" + std::to_string(wantMalformed) + " malformed, " + std::to_string(wantForged - 2 - flips) +
              " forged), " + std::to_string(flips) + " bit flips (sequence, counter, ciphertext, tag), wrong key, wrong iv: dropped; the intact copy then opens");
    StatsDelta d2(*server);
    sendTo(peer, serverPort, sealed);
    const Datagram big = build(1, 0, E, peerSeq++, noise(10, 7), f);
    const Datagram old = build(1, 0, E, peerSeq++, noise(10, 8), f);
    const Datagram late = build(1, 0, E, peerSeq++, noise(10, 9), f);
    const Datagram after = build(1, 0, E, peerSeq++, noise(10, 10), f);
    Buf forgedFar = peerSeal(late, kMax53);
    forgedFar.back() ^= 1;
    Fields over = f;
    over.counter = uint64_t{1} << 53;
    const Datagram beyond = build(1, 0, E, peerSeq++, noise(10, 11), over);
    sendTo(peer, serverPort, peerSeal(big, 5000));
    sendTo(peer, serverPort, peerSeal(old, 5000 - 1024));  // just out of the window
    sendTo(peer, serverPort, forgedFar);                    // must not move the window
    sendTo(peer, serverPort, beyond.bytes);                 // counter 2^53: malformed
    sendTo(peer, serverPort, peerSeal(late, 5000 - 1023));  // oldest slot still in the window
    sendTo(peer, serverPort, peerSeal(after, 5001));
    std::vector<Received> g2;
    ok = poll(*server, g2, [&] { return waitOpened(g2, 3); });
    check(ok && d2.replayed() == 2 && d2.forged() == 1 && d2.malformed() == 1 && g2.size() == 3 &&
              openedEntryIs(g2[0], 1, big, f, big.bytes.size()) && openedEntryIs(g2[1], 1, late, f, late.bytes.size()) &&
              openedEntryIs(g2[2], 1, after, f, after.bytes.size()),
          name + " replay window: copy and counter top-1024 replayed, top-1023 opens, a forged 2^53-1 does not move it");
  }

  // 5. Strangers: only a HELLO-shaped datagram (version 1, AUTH) reaches JS, and only when listening.
  {
    StatsDelta d(*server);
    const Buf hello = build(1, 2, 0, 0, noise(30, 12)).bytes;
    sendTo(stranger, serverPort, out.at(0));                    // a sealed copy from elsewhere
    sendTo(stranger, serverPort, build(2, 2, 0, 0, {}).bytes);  // AUTH of another version
    sendTo(stranger, serverPort, {0x12, 0x00});                 // too short for anything
    sendTo(stranger, serverPort, {});                           // zero-length: malformed, no entry
    sendTo(stranger, serverPort, hello);
    std::vector<Received> g;
    ok = poll(*server, g, [&] { return !g.empty() && d.in() >= 5; });
    check(ok && d.in() == 5 && d.unknown() == 2 && d.malformed() == 2 && g.size() == 1 && rawEntryIs(g[0], -1, hello, portOf(stranger)),
          name + " strangers: sealed copy and other versions unknown, short ones malformed, HELLO -> raw entry, slot -1, its address");
    StatsDelta dc(*client);
    sendTo(stranger, clientPort, hello);
    std::vector<Received> gc;
    ok = poll(*client, gc, [&] { return dc.unknown() >= 1; });
    check(ok && gc.empty() && dc.unknown() == 1, name + " a client engine (not listening) drops a stranger's HELLO");
  }

  // 6. Headers a sealed slot hands to JS as they are, and malformed ones.
  {
    StatsDelta d(*server);
    Fields badFrag = f;
    badFrag.fragmentId = 5;
    Fields hb2 = f;
    hb2.typeByte = 2;
    const std::vector<Buf> raws = {build(1, 0, 0, 1, noise(9, 1)).bytes, build(1, 0, E | kFlagChecksum, 1, noise(9, 2)).bytes,
                                   build(1, 2, E, 1, noise(9, 3)).bytes, build(1, 4, E, 1, noise(9, 4)).bytes};
    const std::vector<Buf> bad = {build(1, 0, E | 1, 1, {}).bytes,         build(0, 0, E, 1, {}).bytes,
                                  build(1, 5, E, 1, {}).bytes,             build(1, 1, E | kFlagFrag, 1, {}).bytes,
                                  build(1, 0, E | kFlagFrag, 1, {}, badFrag).bytes, build(1, 3, E, 1, {}, hb2).bytes};
    for (const Buf& b : bad) sendTo(peer, serverPort, b);
    for (const Buf& b : raws) sendTo(peer, serverPort, b);
    std::vector<Received> g;
    ok = poll(*server, g, [&] { return g.size() >= raws.size(); });
    bool same = ok && g.size() == raws.size();
    for (size_t i = 0; same && i < raws.size(); i++) same = rawEntryIs(g[i], 1, raws[i], portOf(peer));
    check(same && d.malformed() == bad.size() && d.raw() == raws.size(),
          name + " sealed slot: plain, CHECKSUM, AUTH and ERROR datagrams -> raw entries; reserved flags, bad version/type/flags/fragment/heartbeat -> malformed");
  }

  // 7. A raw slot hands everything of 4 bytes or more to JS.
  {
    StatsDelta d(*server);
    check(server->attach(3, "127.0.0.1", portOf(rawPeer), SlotMode::kRaw, nullptr).empty(), name + " attach a raw slot");
    const Buf junk = noise(10, 15);
    sendTo(rawPeer, serverPort, {1, 2});
    sendTo(rawPeer, serverPort, junk);
    std::vector<Received> g;
    ok = poll(*server, g, [&] { return !g.empty(); });
    check(ok && g.size() == 1 && rawEntryIs(g[0], 3, junk, portOf(rawPeer)) && d.malformed() == 1,
          name + " raw slot: any bytes -> raw entry, under 4 bytes malformed");
    // raw entries copy the whole datagram: out one byte short of both takes the first only
    const Buf a = noise(20, 16), b = noise(9, 17);
    sendTo(rawPeer, serverPort, a);
    sendTo(rawPeer, serverPort, b);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::vector<Received> g2;
    ok = poll(*server, g2, [&] { return !g2.empty(); }, a.size() + b.size() - 1, 4 * kMetaInts);
    const bool waited = server->hasCarry();
    ok = ok && poll(*server, g2, [&] { return g2.size() >= 2; }, b.size(), 4 * kMetaInts);
    check(ok && waited && g2.size() == 2 && rawEntryIs(g2[0], 3, a, portOf(rawPeer)) && rawEntryIs(g2[1], 3, b, portOf(rawPeer)),
          name + " raw entries into out of exactly their length, one call each");
  }

  // 8. Small targets: datagrams whose entry does not fit stay in the engine (hasCarry) and come
  // first, in order, on the next call; nothing is written past out or meta.
  {
    Outgoing five;
    std::vector<Datagram> sent;
    for (uint16_t s = 20; s < 25; s++) {
      sent.push_back(build(1, 0, E, s, noise(50 + s, s), f));
      five.add(sent.back().bytes, 0, true);
    }
    const uint64_t inBefore = server->stats().datagramsIn;
    check(five.sendWith(*client) == 5, name + " send five");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Buf roomy(4 * 65536);
    std::vector<int32_t> shortMeta(kMetaInts - 1);
    size_t none = 0;
    for (int i = 0; i < 3; i++) none += server->receive(targetOf(roomy, shortMeta), 4);
    check(none == 0 && server->stats().datagramsIn == inBefore && !server->hasCarry(),
          name + " meta shorter than one entry: nothing read");
    Buf noOut;
    std::vector<int32_t> meta(4 * kMetaInts);
    bool carried = false;
    for (int i = 0; i < 5000 && !carried; i++) {
      none += server->receive(targetOf(noOut, meta), 4);
      carried = server->hasCarry();
      if (!carried) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const uint64_t inCarried = server->stats().datagramsIn;
    for (int i = 0; i < 3; i++) none += server->receive(targetOf(noOut, meta), 4);
    check(carried && none == 0 && inCarried > inBefore && inCarried <= inBefore + 4 && server->stats().datagramsIn == inCarried,
          name + " out of 0 bytes: reads one batch (up to the 4 entries of meta), writes nothing, reads no more while it carries");
    Buf exact(sent[0].bytes.size());  // room for the first datagram's wire length only
    std::vector<Received> g;
    {
      const size_t n = server->receive(targetOf(exact, meta), 4);
      Received r;
      if (n >= 1) {
        r.m.assign(meta.begin(), meta.begin() + kMetaInts);
        r.data.assign(exact.begin() + r.m[2], exact.begin() + r.m[2] + r.m[3]);
      }
      check(n == 1 && openedEntryIs(r, 0, sent[0], f, sent[0].bytes.size()) && server->hasCarry(),
            name + " out of exactly one wire length: the first carried datagram, the next one waits");
    }
    ok = poll(*server, g, [&] { return g.size() >= 4; }, 65536, 2 * kMetaInts - 1, 1);
    bool same = ok && g.size() == 4;
    for (size_t i = 0; same && i < 4; i++) same = openedEntryIs(g[i], 0, sent[i + 1], f, sent[i + 1].bytes.size());
    check(same && !server->hasCarry() && server->stats().datagramsIn == inBefore + 5,
          name + " meta of one entry (+19 ints): one entry per call, carried ones first, in order");

    // two 40 kB datagrams cannot share 64 KiB of out, even with room for four entries
    Outgoing pair;
    std::vector<Datagram> large;
    for (uint16_t s = 26; s < 28; s++) {
      large.push_back(build(1, 0, E, s, noise(40000, s), f));
      pair.add(large.back().bytes, 0, true);
    }
    check(pair.sendWith(*client) == 2, name + " send two 40 kB datagrams");
    std::vector<Received> g1;
    size_t calls = 0;
    ok = poll(*server, g1, [&] { ++calls; return g1.size() >= 2; }, 65536, 4 * kMetaInts, 4);
    check(ok && g1.size() == 2 && calls >= 2 && openedEntryIs(g1[0], 0, large[0], f, large[0].bytes.size()) &&
              openedEntryIs(g1[1], 0, large[1], f, large[1].bytes.size()),
          name + " 64 KiB of out with room for four entries: one 40 kB entry per call");

    const Datagram largest = build(1, 0, E | R, 28, noise(kMaxDatagram - 12 - kTagBytes, 28), f);
    check(largest.bytes.size() == kMaxDatagram, name + " a 65,507-byte datagram");
    Outgoing one;
    one.add(largest.bytes, 0, true);
    check(one.sendWith(*client) == 1, name + " send the largest datagram");
    std::vector<Received> g2;
    ok = poll(*server, g2, [&] { return !g2.empty(); }, kMaxDatagram, kMetaInts, 1);
    check(ok && g2.size() == 1 && openedEntryIs(g2[0], 0, largest, f, kMaxDatagram),
          name + " the largest datagram opens into out of exactly 65,507 bytes");
  }

  // 9. Hostile send entries: refused, counted, nothing read or written outside bytes.
  {
    StatsDelta d(*client);
    const uint32_t hi = clientState[kSlotSendHi], lo = clientState[kSlotSendLo];
    const Buf ok1 = build(1, 0, E, 30, noise(10, 30), f).bytes;
    struct Bad {
      const char* what;
      Buf bytes;
      std::array<int32_t, kSendInts> meta;
    };
    const int32_t len = static_cast<int32_t>(ok1.size());
    const std::vector<Bad> bad = {
        {"seal: data shorter than the tag", build(1, 0, E, 30, {}, f, 15).bytes, {0, 0, 12 + 15, 1}},
        {"seal: not ENCRYPTED", build(1, 0, 0, 30, {}, f).bytes, {0, 0, 4 + 16, 1}},
        {"seal: AUTH", build(1, 2, E, 30, {}, f).bytes, {0, 0, 12 + 4 + 16, 1}},
        {"seal: type 9", build(1, 9, E, 30, {}, f).bytes, {0, 0, 12 + 16, 1}},
        {"seal: 3 bytes", {0x10, 0x10, 0}, {0, 0, 3, 1}},
        {"offset past the bytes", ok1, {0, len, 1, 0}},
        {"length past the bytes", ok1, {0, 1, len, 0}},
        {"negative offset", ok1, {0, -1, 4, 0}},
        {"length 0", ok1, {0, 0, 0, 0}},
        {"negative length", ok1, {0, 0, -5, 0}},
        {"length beyond 65,507", ok1, {0, 0, 65508, 0}},
        {"slot out of range", ok1, {1, 0, len, 0}},
        {"slot 2^31 - 1", ok1, {0x7fffffff, 0, len, 0}},
        {"stranger port 65,536", ok1, {-1, 0, len, 0, 65536, 4, 0, 0, static_cast<int32_t>(0xffff0000u), 0x0100007f}},
        {"stranger port -1", ok1, {-1, 0, len, 0, -1, 4, 0, 0, static_cast<int32_t>(0xffff0000u), 0x0100007f}},
    };
    size_t refused = 0;
    for (const Bad& b : bad) {
      Buf bytes(b.bytes);
      std::vector<int32_t> meta(b.meta.begin(), b.meta.end());
      const size_t sent = client->send(MutableBytes{bytes.data(), bytes.size()}, Array<const int32_t>{meta.data(), meta.size()}, 1);
      refused++;
      check(sent == 0 && d.sendErrors() == refused && bytes == b.bytes, name + " send refuses: " + b.what);
    }
    check(clientState[kSlotSendHi] == hi && clientState[kSlotSendLo] == lo, name + " refused seals leave the send counter alone");
    // a stranger's address as receive entries carry it (IPv4-mapped bytes, family 4)
    Buf bytes(ok1);
    std::vector<int32_t> meta(kSendInts);
    meta[0] = -1, meta[1] = 0, meta[2] = len, meta[3] = 0, meta[4] = portOf(stranger), meta[5] = 4;
    std::memcpy(meta.data() + 6, kLoopbackIp.data(), 16);
    Buf arrived;
    check(client->send(MutableBytes{bytes.data(), bytes.size()}, Array<const int32_t>{meta.data(), meta.size()}, 1) == 1 &&
              receiveOn(stranger, &arrived) && arrived == ok1,
          name + " send to an address without a slot (slot -1, ip bytes, port)");
  }

  // 10. The send counter stops at 2^53 - 1.
  {
    StatsDelta d(*client);
    StatsDelta ds(*server);
    clientState[kSlotSendHi] = static_cast<uint32_t>(kMax53 >> 32);
    clientState[kSlotSendLo] = static_cast<uint32_t>(kMax53);
    const Datagram last = build(1, 0, E, 40, noise(10, 40), f);
    Outgoing two;
    two.add(last.bytes, 0, true);
    two.add(build(1, 0, E, 41, noise(10, 41), f).bytes, 0, true);
    check(two.sendWith(*client) == 1 && d.sendErrors() == 1 && clientState[kSlotSendHi] == 0x200000 && clientState[kSlotSendLo] == 0,
          name + " counter 2^53 - 1 is the last one sealed");
    std::vector<Received> g;
    ok = poll(*server, g, [&] { return !g.empty(); });
    check(ok && g.size() == 1 && openedEntryIs(g[0], 0, last, f, last.bytes.size()) && ds.opened() == 1 &&
              serverState[kSlotReplay + 1] == 0x1fffff && serverState[kSlotReplay + 2] == 0xffffffffu,
          name + " the server opens counter 2^53 - 1 (window jumps over 2^53)");
  }

  // 11. attach / detach.
  {
    clientState[kSlotSendHi] = 0;
    clientState[kSlotSendLo] = 100;
    const SlotKeys k = keysFor(alg, 300);
    check(!server->attach(4, "127.0.0.1", 9, SlotMode::kRaw, nullptr).empty(), name + " attach: slot out of range");
    check(!server->attach(2, "127.0.0.1", 9, SlotMode::kFree, nullptr).empty(), name + " attach: kFree refused");
    check(!server->attach(2, "127.0.0.1", 9, SlotMode::kSealed, nullptr).empty(), name + " attach: sealed needs keys");
    check(!server->attach(2, "127.0.0.1", clientPort, SlotMode::kSealed, &k).empty(), name + " attach: address taken by slot 0");
    check(!server->attach(0, "127.0.0.1", 9, SlotMode::kSealed, &k).empty(), name + " attach: slot 0 in use");
    check(!server->attach(2, "localhost", 9, SlotMode::kRaw, nullptr).empty() && !server->attach(2, "::1", 9, SlotMode::kRaw, nullptr).empty(),
          name + " attach: not an IPv4 address");
    server->detach(0);
    server->detach(0);
    server->detach(17);
    bool zeroed = true;
    for (uint32_t i = 0; i < kSlotWords; i++) zeroed = zeroed && serverState[i] == 0;
    check(zeroed, name + " detach zeroes the slot's words");
    StatsDelta d(*server);
    Outgoing late;
    late.add(build(1, 0, E, 50, noise(10, 50), f).bytes, 0, true);
    late.sendWith(*client);
    std::vector<Received> g;
    ok = poll(*server, g, [&] { return d.unknown() >= 1; });
    check(ok && g.empty(), name + " a detached address is a stranger");
    check(server->attach(0, "127.0.0.1", clientPort, SlotMode::kRaw, nullptr).empty(), name + " re-attach as raw");
    const Buf again = build(1, 0, E, 51, noise(10, 51), f).bytes;
    Outgoing o;
    o.add(again, 0, true);
    o.sendWith(*client);
    std::vector<Received> g2;
    ok = poll(*server, g2, [&] { return !g2.empty(); });
    check(ok && g2.size() == 1 && g2[0].m[0] == kEntryRaw && g2[0].m[1] == 0 && g2[0].m[3] == static_cast<int32_t>(again.size()),
          name + " re-attached raw: sealed datagrams reach JS as they are");
  }
  client->close();
  check(client->fd() == -1 && client->send(MutableBytes{}, Array<const int32_t>{}, 0) == 0, name + " closed engine sends nothing");
  std::vector<int32_t> meta(kMetaInts);
  Buf room(65536);
  check(client->receive(targetOf(room, meta), 4) == 0, name + " closed engine receives nothing");
  close(peer);
  close(stranger);
  close(rawPeer);
}

void testEngineConstruction() {
  std::vector<uint32_t> state(kSlotWords);
  bool threw = false;
  try {
    UdpEngine e("not-an-ip", 0, true, Array<uint32_t>{state.data(), state.size()});
  } catch (const std::runtime_error&) {
    threw = true;
  }
  check(threw, "engine: a host that is not an IP address throws");
  std::vector<uint32_t> none;
  try {
    UdpEngine e("127.0.0.1", 0, false, Array<uint32_t>{none.data(), none.size()});
    const SlotKeys k;
    check(e.capacity() == 0 && !e.attach(0, "127.0.0.1", 9, SlotMode::kSealed, &k).empty(), "engine with no slots refuses attach");
  } catch (const std::exception& err) {
    check(false, std::string("engine with no slots: ") + err.what());
  }
}

}  // namespace

int main() {
  testAckWindow();
  testSealedHeaderCases();
  testSealedHeaderTruncations();
  testSealedHeaderRandom();
  testEngineConstruction();
  testEngine(AeadAlgorithm::kXChaCha20Poly1305, "xchacha20poly1305");
  testEngine(AeadAlgorithm::kAes256Gcm, "aes256gcm");
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
