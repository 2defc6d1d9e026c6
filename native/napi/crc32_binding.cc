#include "../crc32.h"

#include "args.h"
#include "bindings.h"

namespace paperclip::napi {

// crc32(buf, offset, length, seed) -> uint32
Napi::Value Crc32(const Napi::CallbackInfo& info) {
  uint64_t length = indexArg(info, 2, "length");
  Bytes span = spanArg(info, 0, length, "buf");
  uint32_t seed = uint32Arg(info, 3, 0xffffffffu, "seed");
  return Napi::Number::New(info.Env(), crc32(span, seed));
}

// crc32Batch(buf, offsets, lengths, count, results) -> undefined
Napi::Value Crc32Batch(const Napi::CallbackInfo& info) {
  CrcBatchView batch;
  batch.buf = bytesArg(info, 0, "buf");
  Array<uint32_t> offsets = mutableUint32Arg(info, 1, "offsets");
  Array<uint32_t> lengths = mutableUint32Arg(info, 2, "lengths");
  batch.offsets = Array<const uint32_t>{offsets.data, offsets.size};
  batch.lengths = Array<const uint32_t>{lengths.data, lengths.size};
  batch.count = uint32Arg(info, 3, 0xffffffffu, "count");
  batch.results = mutableUint32Arg(info, 4, "results");
  std::string err = checkCrcBatch(batch);
  if (!err.empty()) throwRange(info.Env(), err);
  crc32Batch(batch);
  return info.Env().Undefined();
}

}  // namespace paperclip::napi
