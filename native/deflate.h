// Raw deflate (RFC 1951, windowBits -15, memLevel 8, default strategy) into a capped buffer,
// and raw inflate that stops at a hard output cap. Streams are per thread and reused.
#pragma once

#include <cstdint>

#include "span.h"

namespace paperclip {

// Bytes written to dst, or kTooLarge if the stream does not fit in dst.size.
// Byte-identical to node's zlib.deflateRawSync(src, { level }) when linked against node's zlib.
int64_t deflateRaw(Bytes src, MutableBytes dst, int level);

// Bytes written to dst, kTooLarge as soon as output would pass dst.size, kCorrupt for a
// malformed or truncated stream or bytes after the final block. Never allocates output.
int64_t inflateRaw(Bytes src, MutableBytes dst);

// results[i] = deflateRaw / inflateRaw of span i. Call checkSpanBatch first.
void deflateRawBatch(const SpanBatchView& batch, int level);
void inflateRawBatch(const SpanBatchView& batch);

}  // namespace paperclip
