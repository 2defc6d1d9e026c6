#include "udp_engine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "ack_window.h"
#include "sealed_header.h"
#include "status.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

namespace paperclip {
namespace {

constexpr size_t kReceiveBuffer = 65536;
constexpr size_t kMaxQueued = 8192;
constexpr int kSocketBuffer = 4 << 20;
// carryLengths_ mark of a datagram cut off by the kernel (a real length can be 0)
constexpr size_t kTruncated = SIZE_MAX;

void putBe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// iv prefix ‖ counter u64 BE, as lib/protocol/handshake/nonce.ts writeCounterNonce.
void counterNonce(AeadAlgorithm algorithm, const uint8_t iv[16], uint64_t counter, uint8_t out[24]) {
  const size_t prefix = nonceBytes(algorithm) - 8;
  memcpy(out, iv, prefix);
  putBe32(out + prefix, static_cast<uint32_t>(counter >> 32));
  putBe32(out + prefix + 4, static_cast<uint32_t>(counter));
}

bool probeOption(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value) == 0;
}

}  // namespace

bool makeSockaddr(const std::string& host, uint16_t port, bool ipv6, sockaddr_storage* out, socklen_t* length) {
  memset(out, 0, sizeof *out);
  in_addr v4{};
  in6_addr v6{};
  const bool isV4 = inet_pton(AF_INET, host.c_str(), &v4) == 1;
  if (!ipv6) {
    if (!isV4) return false;
    auto* sa = reinterpret_cast<sockaddr_in*>(out);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    sa->sin_addr = v4;
    *length = sizeof(sockaddr_in);
    return true;
  }
  auto* sa = reinterpret_cast<sockaddr_in6*>(out);
  sa->sin6_family = AF_INET6;
  sa->sin6_port = htons(port);
  if (isV4) {
    sa->sin6_addr.s6_addr[10] = 0xff;
    sa->sin6_addr.s6_addr[11] = 0xff;
    memcpy(&sa->sin6_addr.s6_addr[12], &v4, 4);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    sa->sin6_addr = v6;
  } else {
    return false;
  }
  *length = sizeof(sockaddr_in6);
  return true;
}

AddressKey keyOf(const sockaddr_storage& address) {
  AddressKey k;
  uint8_t ip[16] = {};
  if (address.ss_family == AF_INET) {
    const auto* sa = reinterpret_cast<const sockaddr_in*>(&address);
    ip[10] = ip[11] = 0xff;
    memcpy(ip + 12, &sa->sin_addr, 4);
    k.port = ntohs(sa->sin_port);
  } else {
    const auto* sa = reinterpret_cast<const sockaddr_in6*>(&address);
    memcpy(ip, &sa->sin6_addr, 16);
    k.port = ntohs(sa->sin6_port);
  }
  memcpy(&k.hi, ip, 8);
  memcpy(&k.lo, ip + 8, 8);
  return k;
}

UdpEngine::UdpEngine(const std::string& host, uint16_t port, bool listen, Array<uint32_t> state)
    : listen_(listen), ipv6_(host.find(':') != std::string::npos), state_(state),
      slots_(state.size / kSlotWords) {
  sockaddr_storage address;
  socklen_t length = 0;
  if (!makeSockaddr(host, port, ipv6_, &address, &length)) throw std::runtime_error("not an IP address: " + host);
  fd_ = socket(ipv6_ ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw SocketError(std::string("socket: ") + strerror(errno), errno);
  if (ipv6_) probeOption(fd_, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  // A server's bursts (many clients answering at once) overflow the default ~208 KiB queue:
  // ask for 4 MiB, forced where permitted, else capped by net.core.[rw]mem_max.
  for (const auto& [force, plain] : {std::pair{SO_RCVBUFFORCE, SO_RCVBUF}, std::pair{SO_SNDBUFFORCE, SO_SNDBUF}}) {
    if (!probeOption(fd_, SOL_SOCKET, force, kSocketBuffer)) probeOption(fd_, SOL_SOCKET, plain, kSocketBuffer);
  }
  if (bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    throw SocketError("bind " + host + ":" + std::to_string(port) + ": " + strerror(error), error);
  }
  // Probed, reported, not used: see docs/NATIVE.md (game clients send one datagram at a time,
  // so GRO rarely merges anything, and a server's sends go to many destinations).
  gso_ = probeOption(fd_, SOL_UDP, UDP_SEGMENT, 1200) && probeOption(fd_, SOL_UDP, UDP_SEGMENT, 0);
  gro_ = probeOption(fd_, SOL_UDP, UDP_GRO, 1) && probeOption(fd_, SOL_UDP, UDP_GRO, 0);
  receiveBuffers_.reset(static_cast<uint8_t*>(malloc(kMaxBatch * kReceiveBuffer)));
  if (!receiveBuffers_) throw std::runtime_error("out of memory for receive buffers");
}

void UdpEngine::FreeDeleter::operator()(uint8_t* p) const { free(p); }

UdpEngine::~UdpEngine() { close(); }

void UdpEngine::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pending_.clear();
  carryNext_ = carryCount_ = 0;
}

uint16_t UdpEngine::localPort() const {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (fd_ < 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  return static_cast<uint16_t>(keyOf(address).port);
}

std::string UdpEngine::attach(uint32_t slot, const std::string& host, uint16_t port, SlotMode mode, const SlotKeys* keys) {
  if (slot >= slots_.size()) return "slot " + std::to_string(slot) + " out of range";
  if (mode == SlotMode::kFree) return "attach needs a mode";
  if (mode == SlotMode::kSealed && keys == nullptr) return "a sealed slot needs keys";
  Slot& s = slots_[slot];
  sockaddr_storage address;
  socklen_t length = 0;
  if (!makeSockaddr(host, port, ipv6_, &address, &length)) return "not an address of this socket's family: " + host;
  const AddressKey key = keyOf(address);
  auto found = bySource_.find(key);
  if (found != bySource_.end() && found->second != slot) return host + ":" + std::to_string(port) + " is already attached";
  if (s.mode != SlotMode::kFree && !(s.key == key)) return "slot " + std::to_string(slot) + " is in use";
  if (s.mode == SlotMode::kFree) std::fill(words(slot), words(slot) + kSlotWords, 0u);
  s.mode = mode;
  s.key = key;
  s.address = address;
  s.addressLength = length;
  if (keys != nullptr) s.keys = *keys;
  bySource_[key] = slot;
  return "";
}

void UdpEngine::detach(uint32_t slot) {
  if (slot >= slots_.size() || slots_[slot].mode == SlotMode::kFree) return;
  Slot& s = slots_[slot];
  bySource_.erase(s.key);
  s.mode = SlotMode::kFree;
  s.keys = SlotKeys{};
  std::fill(words(slot), words(slot) + kSlotWords, 0u);
}

size_t UdpEngine::receive(ReceiveTarget t, uint32_t maxRounds) {
  size_t entries = 0;
  size_t outAt = 0;
  const size_t metaCapacity = t.meta.size / kMetaInts;
  uint8_t* buffers = receiveBuffers_.get();
  // Turns carried datagrams into entries while they fit; false when the target is full.
  const auto drain = [&]() {
    for (; carryNext_ < carryCount_; ++carryNext_) {
      const size_t length = carryLengths_[carryNext_];
      if (length == kTruncated) continue;  // counted when read; never parse a partial datagram
      if (entries == metaCapacity || length > t.out.size - outAt) return false;
      handleDatagram(buffers + carryNext_ * kReceiveBuffer, length, carrySources_[carryNext_], t, entries, outAt);
    }
    return true;
  };
  bool room = drain();
  mmsghdr messages[kMaxBatch];
  iovec iov[kMaxBatch];
  for (uint32_t round = 0; room && round < maxRounds && fd_ >= 0; ++round) {
    const size_t n = std::min<size_t>(kMaxBatch, metaCapacity - entries);
    if (n == 0) break;
    for (size_t i = 0; i < n; ++i) {
      iov[i] = iovec{buffers + i * kReceiveBuffer, kReceiveBuffer};
      messages[i].msg_hdr = msghdr{};
      messages[i].msg_hdr.msg_name = &carrySources_[i];
      messages[i].msg_hdr.msg_namelen = sizeof carrySources_[i];
      messages[i].msg_hdr.msg_iov = &iov[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      messages[i].msg_len = 0;
    }
    const int got = recvmmsg(fd_, messages, static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
    stats_.syscallsIn++;
    if (got <= 0) break;
    carryNext_ = 0;
    carryCount_ = 0;
    for (int i = 0; i < got; ++i) {
      stats_.datagramsIn++;
      // a truncated datagram (cannot happen below 64 KiB, but never parse a partial one) is dropped
      const bool truncated = (messages[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
      if (truncated) stats_.truncated++;
      carryLengths_[carryCount_] = truncated ? kTruncated : messages[i].msg_len;
      carryCount_++;
    }
    room = drain();
    if (static_cast<size_t>(got) < n) break;
  }
  if (entries > 0) stats_.batches++;
  return entries;
}

void UdpEngine::handleDatagram(const uint8_t* bytes, size_t length, const sockaddr_storage& from, ReceiveTarget& t,
                               size_t& entries, size_t& outAt) {
  const auto emitRaw = [&](int32_t slot) {
    int32_t* m = t.meta.data + entries * kMetaInts;
    std::fill(m, m + kMetaInts, 0);
    memcpy(t.out.data + outAt, bytes, length);
    m[0] = kEntryRaw;
    m[1] = slot;
    m[2] = static_cast<int32_t>(outAt);
    m[3] = static_cast<int32_t>(length);
    m[12] = static_cast<int32_t>(length);
    const AddressKey key = keyOf(from);
    m[13] = static_cast<int32_t>(key.port);
    m[14] = from.ss_family == AF_INET6 ? 6 : 4;
    uint8_t ip[16];
    memcpy(ip, &key.hi, 8);
    memcpy(ip + 8, &key.lo, 8);
    memcpy(m + 15, ip, 16);
    outAt += length;
    entries++;
    stats_.raw++;
  };
  if (length < 4) {
    stats_.malformed++;
    return;
  }
  const auto found = bySource_.find(keyOf(from));
  if (found == bySource_.end()) {
    // Strangers may only start a handshake (a HELLO, checked statelessly by JS).
    if (listen_ && (bytes[0] >> 4) == kWireVersion && (bytes[0] & 0x0f) == kTypeAuth) {
      emitRaw(-1);
    } else {
      stats_.unknownSource++;
    }
    return;
  }
  const uint32_t slotIndex = found->second;
  Slot& slot = slots_[slotIndex];
  if (slot.mode != SlotMode::kSealed) {
    emitRaw(static_cast<int32_t>(slotIndex));
    return;
  }
  SealedHeader h;
  switch (parseSealedHeader(bytes, length, &h)) {
    case HeaderVerdict::kMalformed:
      stats_.malformed++;
      return;
    case HeaderVerdict::kRaw:
      emitRaw(static_cast<int32_t>(slotIndex));
      return;
    case HeaderVerdict::kOpenable:
      break;
  }
  AckWindowView replay(words(slotIndex) + kSlotReplay);
  if (!replay.check(h.counter)) {
    stats_.replayed++;
    return;
  }
  uint8_t nonce[24];
  counterNonce(slot.keys.algorithm, slot.keys.receiveIv, h.counter, nonce);
  const Bytes aad{bytes, h.dataOffset};
  const Bytes sealed{bytes + h.dataOffset, length - h.dataOffset};
  const int64_t plain = aeadOpen(slot.keys.algorithm, slot.keys.receiveKey, nonce, aad, sealed, t.out.data + outAt);
  if (plain < 0) {
    stats_.forged++;
    return;
  }
  replay.commit(h.counter);
  AckWindowView received(words(slotIndex) + kSlotReceived);
  int32_t* m = t.meta.data + entries * kMetaInts;
  if (!received.record(h.sequence)) {
    stats_.duplicates++;
    // a duplicate still needs an ACK (ours may have been lost), so JS hears of reliable ones
    if ((h.flags & kFlagReliable) == 0) return;
    std::fill(m, m + kMetaInts, 0);
    m[0] = kEntryDuplicate;
    m[1] = static_cast<int32_t>(slotIndex);
    m[12] = static_cast<int32_t>(length);
    entries++;
    return;
  }
  m[0] = kEntryOpened;
  m[1] = static_cast<int32_t>(slotIndex);
  m[2] = static_cast<int32_t>(outAt);
  m[3] = static_cast<int32_t>(plain);
  m[4] = h.type;
  m[5] = h.flags;
  m[6] = h.sequence;
  m[7] = h.ackId;
  m[8] = static_cast<int32_t>(h.ackBits);
  m[9] = h.fragmentId;
  m[10] = h.fragmentCount;
  m[11] = h.heartbeat;
  m[12] = static_cast<int32_t>(length);
  outAt += static_cast<size_t>(plain);
  entries++;
  stats_.opened++;
}

bool UdpEngine::seal(uint32_t slotIndex, uint8_t* bytes, size_t length) {
  const Slot& slot = slots_[slotIndex];
  if (slot.mode != SlotMode::kSealed) return false;
  const size_t at = encodedDataOffset(bytes, length);
  if (at == 0 || (bytes[1] & kFlagEncrypted) == 0 || length - at < kTagBytes) return false;
  uint32_t* w = words(slotIndex);
  const uint64_t counter = (uint64_t{w[kSlotSendHi]} << 32) | w[kSlotSendLo];
  if (counter > kMaxCounter) return false;
  const uint64_t next = counter + 1;
  w[kSlotSendHi] = static_cast<uint32_t>(next >> 32);
  w[kSlotSendLo] = static_cast<uint32_t>(next);
  const size_t counterAt = 4 + ((bytes[1] & kFlagFrag) ? 4 : 0);
  putBe32(bytes + counterAt, static_cast<uint32_t>(counter >> 32));
  putBe32(bytes + counterAt + 4, static_cast<uint32_t>(counter));
  uint8_t nonce[24];
  counterNonce(slot.keys.algorithm, slot.keys.sendIv, counter, nonce);
  const size_t plain = length - at - kTagBytes;
  return aeadSeal(slot.keys.algorithm, slot.keys.sendKey, nonce, Bytes{bytes, at}, Bytes{bytes + at, plain}, bytes + at) >= 0;
}

size_t UdpEngine::send(MutableBytes bytes, Array<const int32_t> meta, size_t count) {
  if (fd_ < 0) return 0;
  mmsghdr messages[kMaxBatch];
  iovec iov[kMaxBatch];
  sockaddr_storage targets[kMaxBatch];
  size_t sent = 0;
  size_t i = 0;
  while (i < count) {
    size_t n = 0;
    for (; i < count && n < kMaxBatch; ++i) {
      const int32_t* m = meta.data + i * kSendInts;
      const uint64_t offset = static_cast<uint32_t>(m[1]);
      const uint64_t length = static_cast<uint32_t>(m[2]);
      if (m[1] < 0 || m[2] <= 0 || length > kMaxDatagram || !spanFits(bytes.size, offset, length)) {
        stats_.sendErrors++;
        continue;
      }
      uint8_t* datagram = bytes.data + offset;
      socklen_t targetLength = 0;
      if (m[0] >= 0) {
        const auto slot = static_cast<uint32_t>(m[0]);
        if (slot >= slots_.size() || slots_[slot].mode == SlotMode::kFree) {
          stats_.sendErrors++;
          continue;
        }
        targets[n] = slots_[slot].address;
        targetLength = slots_[slot].addressLength;
        if (m[3] != 0 && !seal(slot, datagram, length)) {
          stats_.sendErrors++;
          continue;
        }
      } else {
        // an address without a slot (handshake replies to strangers): ip bytes as the receive entries carry them
        uint8_t ip[16];
        memcpy(ip, m + 6, 16);
        char text[INET6_ADDRSTRLEN] = {};
        const bool v4 = m[5] == 4 || (ip[10] == 0xff && ip[11] == 0xff && std::all_of(ip, ip + 10, [](uint8_t b) { return b == 0; }));
        if (v4 ? inet_ntop(AF_INET, ip + 12, text, sizeof text) == nullptr : inet_ntop(AF_INET6, ip, text, sizeof text) == nullptr) {
          stats_.sendErrors++;
          continue;
        }
        if (m[4] < 0 || m[4] > 0xffff || !makeSockaddr(text, static_cast<uint16_t>(m[4]), ipv6_, &targets[n], &targetLength)) {
          stats_.sendErrors++;
          continue;
        }
      }
      iov[n] = iovec{datagram, static_cast<size_t>(length)};
      messages[n].msg_hdr = msghdr{};
      messages[n].msg_hdr.msg_name = &targets[n];
      messages[n].msg_hdr.msg_namelen = targetLength;
      messages[n].msg_hdr.msg_iov = &iov[n];
      messages[n].msg_hdr.msg_iovlen = 1;
      messages[n].msg_len = 0;
      ++n;
    }
    size_t done = 0;
    // Once anything is queued, later datagrams queue behind it to keep their order.
    while (done < n && pending_.empty()) {
      const int r = sendmmsg(fd_, messages + done, static_cast<unsigned>(n - done), MSG_DONTWAIT);
      stats_.syscallsOut++;
      if (r > 0) {
        done += static_cast<size_t>(r);
        sent += static_cast<size_t>(r);
        stats_.datagramsOut += static_cast<uint64_t>(r);
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;
      stats_.sendErrors++;  // this datagram is refused (e.g. EMSGSIZE, unreachable): skip it
      ++done;
    }
    for (; done < n; ++done) {
      const auto* hdr = &messages[done].msg_hdr;
      queue(static_cast<const uint8_t*>(hdr->msg_iov->iov_base), hdr->msg_iov->iov_len, targets[done], hdr->msg_namelen);
    }
  }
  return sent;
}

void UdpEngine::queue(const uint8_t* bytes, size_t length, const sockaddr_storage& to, socklen_t toLength) {
  if (pending_.size() >= kMaxQueued) {
    stats_.sendDropped++;  // as the kernel would: a full queue drops, reliability resends
    return;
  }
  Queued q;
  q.bytes.assign(bytes, bytes + length);
  q.address = to;
  q.addressLength = toLength;
  pending_.push_back(std::move(q));
  stats_.sendQueued++;
}

bool UdpEngine::flushPending() {
  while (!pending_.empty() && fd_ >= 0) {
    Queued& q = pending_.front();
    const ssize_t r = sendto(fd_, q.bytes.data(), q.bytes.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&q.address), q.addressLength);
    stats_.syscallsOut++;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) return false;
    if (r < 0) stats_.sendErrors++;
    else stats_.datagramsOut++;
    pending_.pop_front();
  }
  return true;
}

}  // namespace paperclip
