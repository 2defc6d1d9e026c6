#include "../deflate.h"

#include "args.h"
#include "bindings.h"

namespace paperclip::napi {
namespace {

struct SpanPair {
  Bytes src;
  MutableBytes dst;
};

// (src, srcOffset, srcLength, dst, dstOffset, dstCapacity) at info[0..5].
SpanPair spanPairArgs(const Napi::CallbackInfo& info) {
  Bytes src = spanArg(info, 0, indexArg(info, 2, "srcLength"), "src");
  MutableBytes dst = spanArg(info, 3, indexArg(info, 5, "dstCapacity"), "dst");
  return SpanPair{src, dst};
}

SpanBatchView checkedBatch(const Napi::CallbackInfo& info) {
  SpanBatchView batch = spanBatchArg(objectArg(info, 0, "batch"));
  std::string err = checkSpanBatch(batch);
  if (!err.empty()) throwRange(info.Env(), err);
  return batch;
}

Napi::Value result(const Napi::CallbackInfo& info, int64_t value) {
  return Napi::Number::New(info.Env(), static_cast<double>(value));
}

}  // namespace

// deflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity, level) -> length | -3
Napi::Value DeflateRaw(const Napi::CallbackInfo& info) {
  SpanPair spans = spanPairArgs(info);
  int level = static_cast<int>(uint32Arg(info, 6, 9, "level"));
  return result(info, deflateRaw(spans.src, spans.dst, level));
}

// inflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity) -> length | -2 | -3
Napi::Value InflateRaw(const Napi::CallbackInfo& info) {
  SpanPair spans = spanPairArgs(info);
  return result(info, inflateRaw(spans.src, spans.dst));
}

// deflateRawBatch(batch: SpanBatch, level) -> undefined; fills batch.results
Napi::Value DeflateRawBatch(const Napi::CallbackInfo& info) {
  SpanBatchView batch = checkedBatch(info);
  int level = static_cast<int>(uint32Arg(info, 1, 9, "level"));
  deflateRawBatch(batch, level);
  return info.Env().Undefined();
}

// inflateRawBatch(batch: SpanBatch) -> undefined; fills batch.results
Napi::Value InflateRawBatch(const Napi::CallbackInfo& info) {
  inflateRawBatch(checkedBatch(info));
  return info.Env().Undefined();
}

}  // namespace paperclip::napi
