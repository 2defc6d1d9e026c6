#include "deflate.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <new>
#include <vector>

#include "status.h"

namespace paperclip {
namespace {

// node:zlib's default chunkSize: deflateRawSync hands deflate() output windows of this size.
// Stored blocks (level 0) are cut by the output window, so we cut ours at the same places.
constexpr size_t kNodeChunk = 16 * 1024;

// Memory for zlib's deflate state, kept per thread and handed out again on the next
// deflateInit2. A fresh stream per call is what node:zlib does, and byte-identical output
// needs it: deflateReset keeps the window's high-water mark, so longest_match may read stale
// bytes past the input where a fresh stream reads zeros (about 1 call in 2000 differed).
class ZlibArena {
 public:
  static voidpf alloc(voidpf opaque, uInt items, uInt size) {
    return static_cast<ZlibArena*>(opaque)->take(size_t{items} * size);
  }
  static void release(voidpf opaque, voidpf address) {
    static_cast<ZlibArena*>(opaque)->give(address);
  }

 private:
  struct Block {
    std::unique_ptr<uint8_t[]> memory;
    size_t size;
    bool inUse;
  };
  voidpf take(size_t size) {
    for (Block& b : blocks_) {
      if (!b.inUse && b.size == size) {
        b.inUse = true;
        return b.memory.get();
      }
    }
    if (blocks_.size() >= kMaxBlocks) return Z_NULL;  // zlib reports Z_MEM_ERROR
    blocks_.push_back(Block{std::make_unique<uint8_t[]>(size), size, true});
    return blocks_.back().memory.get();
  }
  void give(voidpf address) {
    for (Block& b : blocks_) {
      if (b.memory.get() == address) b.inUse = false;
    }
  }
  static constexpr size_t kMaxBlocks = 16;  // a deflate state takes 5; one lives at a time
  std::vector<Block> blocks_;
};

// deflateInit2 on construction, deflateEnd on destruction; memory comes from the arena.
class DeflateStream {
 public:
  DeflateStream(ZlibArena& arena, int level) {
    zs_.zalloc = ZlibArena::alloc;
    zs_.zfree = ZlibArena::release;
    zs_.opaque = &arena;
    if (deflateInit2(&zs_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::bad_alloc();
    }
  }
  ~DeflateStream() { deflateEnd(&zs_); }
  DeflateStream(const DeflateStream&) = delete;
  DeflateStream& operator=(const DeflateStream&) = delete;
  z_stream* get() { return &zs_; }

 private:
  z_stream zs_{};
};

class InflateStream {
 public:
  InflateStream() {
    if (inflateInit2(&zs_, -15) != Z_OK) throw std::bad_alloc();
  }
  ~InflateStream() { inflateEnd(&zs_); }
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;
  z_stream* reset() { return inflateReset(&zs_) == Z_OK ? &zs_ : nullptr; }

 private:
  z_stream zs_{};
};

ZlibArena& deflateArena() {
  thread_local ZlibArena arena;
  return arena;
}

z_stream* inflateStream() {
  thread_local InflateStream stream;
  return stream.reset();
}

// Moves up to UINT_MAX more input bytes into the stream once it has consumed the last ones.
void feedInput(z_stream* zs, Bytes& in) {
  if (zs->avail_in != 0 || in.size == 0) return;
  auto n = static_cast<uInt>(std::min<size_t>(in.size, UINT_MAX));
  zs->next_in = const_cast<Bytef*>(in.data);
  zs->avail_in = n;
  in = Bytes{in.data + n, in.size - n};
}

// Gives the stream its next output window of at most `window` bytes; false when dst is full.
bool feedOutput(z_stream* zs, MutableBytes& out, size_t window) {
  if (out.size == 0) return false;
  auto n = static_cast<uInt>(std::min(out.size, window));
  zs->next_out = out.data;
  zs->avail_out = n;
  out = MutableBytes{out.data + n, out.size - n};
  return true;
}

}  // namespace

int64_t deflateRaw(Bytes src, MutableBytes dst, int level) {
  if (level < 0 || level > 9) return kTooLarge;
  if (dst.size == 0) return kTooLarge;  // even an empty input encodes as 03 00
  DeflateStream stream(deflateArena(), level);
  z_stream* zs = stream.get();
  uint8_t spill = 0;  // one byte past dst: writing it proves the stream does not fit
  bool spilling = false;
  for (;;) {
    feedInput(zs, src);
    if (zs->avail_out == 0 && !feedOutput(zs, dst, kNodeChunk)) {
      zs->next_out = &spill;
      zs->avail_out = 1;
      spilling = true;
    }
    int rc = deflate(zs, src.size == 0 ? Z_FINISH : Z_NO_FLUSH);
    if (spilling && zs->avail_out == 0) return kTooLarge;
    if (rc == Z_STREAM_END) return static_cast<int64_t>(zs->total_out);
    if (rc != Z_OK && rc != Z_BUF_ERROR) return kTooLarge;  // unreachable with valid state
  }
}

int64_t inflateRaw(Bytes src, MutableBytes dst) {
  z_stream* zs = inflateStream();
  if (zs == nullptr) throw std::bad_alloc();
  zs->avail_in = 0;  // reset keeps the last call's pointers: drop them
  zs->avail_out = 0;
  uint8_t spill = 0;
  bool spilling = false;
  for (;;) {
    feedInput(zs, src);
    if (zs->avail_out == 0 && !feedOutput(zs, dst, UINT_MAX)) {
      zs->next_out = &spill;
      zs->avail_out = 1;
      spilling = true;
    }
    int rc = inflate(zs, Z_NO_FLUSH);
    if (spilling && zs->avail_out == 0) return kTooLarge;
    if (rc == Z_STREAM_END) {
      return zs->avail_in != 0 || src.size != 0 ? kCorrupt : static_cast<int64_t>(zs->total_out);
    }
    // Z_BUF_ERROR: no progress possible, the input ran out (truncated). Others: bad data.
    if (rc != Z_OK) return kCorrupt;
  }
}

void deflateRawBatch(const SpanBatchView& b, int level) {
  for (size_t i = 0; i < b.count; i++) {
    Bytes src = subspan(b.src, b.srcOffsets.data[i], b.srcLengths.data[i]);
    MutableBytes dst = subspan(b.dst, b.dstOffsets.data[i], b.dstCapacities.data[i]);
    b.results.data[i] = static_cast<int32_t>(deflateRaw(src, dst, level));
  }
}

void inflateRawBatch(const SpanBatchView& b) {
  for (size_t i = 0; i < b.count; i++) {
    Bytes src = subspan(b.src, b.srcOffsets.data[i], b.srcLengths.data[i]);
    MutableBytes dst = subspan(b.dst, b.dstOffsets.data[i], b.dstCapacities.data[i]);
    b.results.data[i] = static_cast<int32_t>(inflateRaw(src, dst));
  }
}

}  // namespace paperclip
