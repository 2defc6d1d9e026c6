// Argument readers for the N-API bindings. JS (lib/primitives/validate.ts) already checked
// everything; these assert the same bounds again before native code reads, throwing a JS
// TypeError/RangeError (C++ exceptions are on) instead of ever reading out of bounds.
#pragma once

#include <napi.h>

#include <cstdint>

#include "../span.h"

namespace paperclip::napi {

// info[i] must be a Uint8Array (a Buffer is one).
MutableBytes bytesArg(const Napi::CallbackInfo& info, size_t i, const char* name);
// Same, or null/undefined for "none" (an empty span).
Bytes optionalBytesArg(const Napi::CallbackInfo& info, size_t i, const char* name);
// Same, and exactly `size` bytes long.
Bytes exactBytesArg(const Napi::CallbackInfo& info, size_t i, size_t size, const char* name);
// info[i] must be an integer in [0, 2^53).
uint64_t indexArg(const Napi::CallbackInfo& info, size_t i, const char* name);
// info[i] must be an integer in [0, max].
uint32_t uint32Arg(const Napi::CallbackInfo& info, size_t i, uint32_t max, const char* name);

// buffer[offset, offset + length) from (buffer, offset) at info[b], info[b + 1] and a length.
MutableBytes spanArg(const Napi::CallbackInfo& info, size_t b, uint64_t length, const char* name);

// The object at info[i] (a SpanBatch / AeadBatch).
Napi::Object objectArg(const Napi::CallbackInfo& info, size_t i, const char* name);
// object[field] as a typed array of the given element type.
MutableBytes bytesField(const Napi::Object& object, const char* field);
Array<const uint32_t> uint32Field(const Napi::Object& object, const char* field);
Array<uint32_t> mutableUint32Arg(const Napi::CallbackInfo& info, size_t i, const char* name);
Array<int32_t> mutableInt32Arg(const Napi::CallbackInfo& info, size_t i, const char* name);
Array<uint32_t> uint32FieldMutable(const Napi::Object& object, const char* field);
Array<int32_t> int32Field(const Napi::Object& object, const char* field);
// object.count: an integer in [0, 2^32).
size_t countField(const Napi::Object& object);

// Reads every SpanBatch field of `batch`.
SpanBatchView spanBatchArg(const Napi::Object& batch);

[[noreturn]] void throwRange(Napi::Env env, const std::string& message);

}  // namespace paperclip::napi
