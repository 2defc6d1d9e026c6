#include "args.h"

#include <cmath>
#include <string>

namespace paperclip::napi {
namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;

[[noreturn]] void throwType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, "paperclip native: " + message);
}

// One napi_get_typedarray_info call: type, length and the element pointer (already offset).
template <typename T>
Array<T> typedArray(Napi::Env env, const Napi::Value& v, napi_typedarray_type type,
                    const char* typeName, const char* name) {
  napi_typedarray_type actual;
  size_t length = 0;
  void* data = nullptr;
  napi_status status =
      napi_get_typedarray_info(env, v, &actual, &length, &data, nullptr, nullptr);
  if (status != napi_ok || actual != type) throwType(env, std::string(name) + " must be a " + typeName);
  return Array<T>{static_cast<T*>(data), length};
}

MutableBytes uint8Array(Napi::Env env, const Napi::Value& v, const char* name) {
  Array<uint8_t> a = typedArray<uint8_t>(env, v, napi_uint8_array, "Uint8Array", name);
  return MutableBytes{a.data, a.size};
}

uint64_t integer(Napi::Env env, const Napi::Value& v, double max, const char* name) {
  double d = -1.0;
  if (napi_get_value_double(env, v, &d) != napi_ok) d = -1.0;  // not a number
  if (!(d >= 0.0 && d <= max && std::floor(d) == d)) {
    throwRange(env, std::string(name) + " must be an integer in [0, " + std::to_string(uint64_t(max)) + "]");
  }
  return static_cast<uint64_t>(d);
}

}  // namespace

void throwRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, "paperclip native: " + message);
}

MutableBytes bytesArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return uint8Array(info.Env(), info[i], name);
}

Bytes optionalBytesArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info[i].IsNull() || info[i].IsUndefined()) return Bytes{};
  return bytesArg(info, i, name);
}

Bytes exactBytesArg(const Napi::CallbackInfo& info, size_t i, size_t size, const char* name) {
  Bytes b = bytesArg(info, i, name);
  if (b.size != size) {
    throwRange(info.Env(), std::string(name) + " must be " + std::to_string(size) + " bytes");
  }
  return b;
}

uint64_t indexArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return integer(info.Env(), info[i], kMaxSafeInteger, name);
}

uint32_t uint32Arg(const Napi::CallbackInfo& info, size_t i, uint32_t max, const char* name) {
  return static_cast<uint32_t>(integer(info.Env(), info[i], max, name));
}

MutableBytes spanArg(const Napi::CallbackInfo& info, size_t b, uint64_t length,
                     const char* name) {
  MutableBytes buffer = bytesArg(info, b, name);
  uint64_t offset = indexArg(info, b + 1, name);
  if (!spanFits(buffer.size, offset, length)) {
    throwRange(info.Env(), std::string(name) + " span [" + std::to_string(offset) + ", +" +
                               std::to_string(length) + ") exceeds its buffer of " +
                               std::to_string(buffer.size) + " bytes");
  }
  return subspan(buffer, static_cast<size_t>(offset), static_cast<size_t>(length));
}

Napi::Object objectArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsObject()) throwType(info.Env(), std::string(name) + " must be an object");
  return info[i].As<Napi::Object>();
}

MutableBytes bytesField(const Napi::Object& object, const char* field) {
  return uint8Array(object.Env(), object.Get(field), field);
}

Array<const uint32_t> uint32Field(const Napi::Object& object, const char* field) {
  return typedArray<const uint32_t>(object.Env(), object.Get(field), napi_uint32_array,
                                    "Uint32Array", field);
}

Array<uint32_t> mutableUint32Arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typedArray<uint32_t>(info.Env(), info[i], napi_uint32_array, "Uint32Array", name);
}

Array<int32_t> mutableInt32Arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typedArray<int32_t>(info.Env(), info[i], napi_int32_array, "Int32Array", name);
}

Array<uint32_t> uint32FieldMutable(const Napi::Object& object, const char* field) {
  return typedArray<uint32_t>(object.Env(), object.Get(field), napi_uint32_array, "Uint32Array", field);
}

Array<int32_t> int32Field(const Napi::Object& object, const char* field) {
  return typedArray<int32_t>(object.Env(), object.Get(field), napi_int32_array, "Int32Array",
                             field);
}

size_t countField(const Napi::Object& object) {
  return static_cast<size_t>(integer(object.Env(), object.Get("count"), 4294967295.0, "count"));
}

SpanBatchView spanBatchArg(const Napi::Object& batch) {
  SpanBatchView view;
  view.count = countField(batch);
  view.src = bytesField(batch, "src");
  view.srcOffsets = uint32Field(batch, "srcOffsets");
  view.srcLengths = uint32Field(batch, "srcLengths");
  view.dst = bytesField(batch, "dst");
  view.dstOffsets = uint32Field(batch, "dstOffsets");
  view.dstCapacities = uint32Field(batch, "dstCapacities");
  view.results = int32Field(batch, "results");
  return view;
}

}  // namespace paperclip::napi
