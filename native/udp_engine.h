// The batched UDP engine (issue 6, docs/NATIVE.md "udp engine"): one non-blocking socket,
// recvmmsg/sendmmsg batches, and per received datagram in C++: header parse, connection lookup
// by source address, counter replay check, AEAD open and sequence-window update. What survives
// is written to caller-owned output buffers as entries (kMetaInts int32 each) for one JS call per
// batch; malformed, unknown-source, replayed, forged and duplicate datagrams are counted and
// dropped here. Outgoing datagrams of sealed connections are sealed here (the counter lives in
// the shared slot state) and flushed with sendmmsg. No N-API and no libuv in this file: the
// binding (napi/udp_engine_binding.cc) drives it from a libuv poll handle.
#pragma once
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "aead.h"
#include "span.h"

namespace paperclip {

// Per-slot shared state (uint32 words, laid out for lib/transport/native-slots.ts):
// [0, 36) counter replay window, [36, 72) sequence window, [72] send counter hi, [73] lo.
constexpr uint32_t kSlotWords = 76;
constexpr uint32_t kSlotReplay = 0, kSlotReceived = 36, kSlotSendHi = 72, kSlotSendLo = 73;

// One received entry: [kind, slot, offset, length, type, flags, sequence, ackId, ackBits,
// fragmentId, fragmentCount, heartbeat, wireLength, port, family, ip0..3 (raw bytes), reserved].
constexpr uint32_t kMetaInts = 20;
enum EntryKind : int32_t { kEntryOpened = 1, kEntryRaw = 2, kEntryDuplicate = 3 };
// One outgoing entry: [slot or -1, offset, length, seal (0/1), port, family, ip0..3].
constexpr uint32_t kSendInts = 10;
constexpr size_t kMaxDatagram = 65507;
constexpr uint32_t kMaxBatch = 64;

struct EngineStats {
  uint64_t datagramsIn = 0, datagramsOut = 0, batches = 0, syscallsIn = 0, syscallsOut = 0;
  uint64_t opened = 0, raw = 0, malformed = 0, unknownSource = 0, replayed = 0, forged = 0, duplicates = 0;
  uint64_t truncated = 0, sendErrors = 0, sendQueued = 0, sendDropped = 0;
};

enum class SlotMode : uint8_t { kFree = 0, kRaw = 1, kSealed = 2 };

struct AddressKey {
  uint64_t hi = 0, lo = 0;
  uint32_t port = 0;
  bool operator==(const AddressKey& o) const { return hi == o.hi && lo == o.lo && port == o.port; }
};
struct AddressKeyHash {
  size_t operator()(const AddressKey& k) const {
    uint64_t h = k.hi * 0x9e3779b97f4a7c15ull ^ (k.lo + 0x632be59bd9b4e019ull + (uint64_t{k.port} << 17));
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

struct SlotKeys {
  AeadAlgorithm algorithm = AeadAlgorithm::kXChaCha20Poly1305;
  uint8_t sendKey[32] = {}, sendIv[16] = {}, receiveKey[32] = {}, receiveIv[16] = {};
};

struct ReceiveTarget {
  MutableBytes out;       // plaintexts and raw datagrams
  Array<int32_t> meta;    // kMetaInts per entry
};

// A socket() or bind() failure, with its errno (the binding turns it into error.code, as
// node:dgram does: EADDRINUSE lets a caller try another port).
struct SocketError : std::runtime_error {
  SocketError(const std::string& what, int error) : std::runtime_error(what), error(error) {}
  int error;
};

class UdpEngine {
 public:
  // Binds host:port (port 0 = any); throws std::runtime_error with the reason on failure.
  // `state` holds kSlotWords words per slot for `capacity` slots and must outlive the engine.
  UdpEngine(const std::string& host, uint16_t port, bool listen, Array<uint32_t> state);
  ~UdpEngine();
  UdpEngine(const UdpEngine&) = delete;
  UdpEngine& operator=(const UdpEngine&) = delete;

  int fd() const { return fd_; }
  uint16_t localPort() const;
  size_t capacity() const { return slots_.size(); }
  const EngineStats& stats() const { return stats_; }
  bool gsoAvailable() const { return gso_; }
  bool groAvailable() const { return gro_; }

  // Routes the address's datagrams to `slot`: kRaw hands them all to JS (handshakes,
  // unencrypted connections), kSealed opens them here with `keys`. The slot's state words are
  // zeroed when the slot is taken (kFree → other). Returns an error message or "".
  std::string attach(uint32_t slot, const std::string& host, uint16_t port, SlotMode mode, const SlotKeys* keys);
  void detach(uint32_t slot);

  // Processes datagrams left over from the last call, then reads up to `maxRounds` recvmmsg
  // batches (stops at EAGAIN). Datagrams whose entry does not fit `target` stay in the receive
  // buffers for the next call (hasCarry()). Returns the number of entries written.
  size_t receive(ReceiveTarget target, uint32_t maxRounds);
  bool hasCarry() const { return carryNext_ < carryCount_; }

  // Seals the marked entries of `bytes`/`meta` and sends them. Datagrams the kernel would not
  // take now are queued (bounded) for flushPending(). Returns the number handed to the kernel.
  size_t send(MutableBytes bytes, Array<const int32_t> meta, size_t count);
  // Retries queued datagrams; true when the queue is empty.
  bool flushPending();
  bool hasPending() const { return !pending_.empty(); }

  void close();

 private:
  struct Slot {
    SlotMode mode = SlotMode::kFree;
    AddressKey key;
    sockaddr_storage address{};
    socklen_t addressLength = 0;
    SlotKeys keys;
  };
  struct Queued {
    std::vector<uint8_t> bytes;
    sockaddr_storage address{};
    socklen_t addressLength = 0;
  };

  uint32_t* words(uint32_t slot) { return state_.data + static_cast<size_t>(slot) * kSlotWords; }
  // Writes at most one entry of at most `length` bytes (the caller guarantees room for it).
  void handleDatagram(const uint8_t* bytes, size_t length, const sockaddr_storage& from, ReceiveTarget& t, size_t& entries, size_t& outAt);
  bool seal(uint32_t slot, uint8_t* bytes, size_t length);
  void queue(const uint8_t* bytes, size_t length, const sockaddr_storage& to, socklen_t toLength);

  int fd_ = -1;
  bool listen_ = false;
  bool ipv6_ = false;
  bool gso_ = false, gro_ = false;
  Array<uint32_t> state_;
  std::vector<Slot> slots_;
  std::unordered_map<AddressKey, uint32_t, AddressKeyHash> bySource_;
  struct FreeDeleter {
    void operator()(uint8_t* p) const;
  };
  // malloc'd, not value-initialised: the pages of 64 × 64 KiB stay untouched until used.
  std::unique_ptr<uint8_t, FreeDeleter> receiveBuffers_;
  std::deque<Queued> pending_;
  // Received but not yet turned into entries (the target was full): [carryNext_, carryCount_).
  size_t carryLengths_[kMaxBatch] = {};
  sockaddr_storage carrySources_[kMaxBatch] = {};
  size_t carryNext_ = 0, carryCount_ = 0;
  EngineStats stats_;
};

// Parses "1.2.3.4" / "::1" with the port into a sockaddr of the engine's family (IPv4 in IPv6
// form when the engine is IPv6). False on a bad address.
bool makeSockaddr(const std::string& host, uint16_t port, bool ipv6, sockaddr_storage* out, socklen_t* length);
AddressKey keyOf(const sockaddr_storage& address);

}  // namespace paperclip
