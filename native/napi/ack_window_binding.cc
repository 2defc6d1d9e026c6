// The ack window on caller memory, for the twin test (test/protocol/ack-window-twin.test.ts):
// the engine uses AckWindowView directly; these entry points exist so JS can drive the same
// C++ code over a Uint32Array and compare the words with lib/protocol/ack-window.ts.
#include "../ack_window.h"
#include "args.h"
#include "bindings.h"

namespace paperclip::napi {
namespace {

uint32_t* windowWords(const Napi::CallbackInfo& info) {
  Array<uint32_t> words = mutableUint32Arg(info, 0, "words");
  if (words.size != kAckWindowWords) throwRange(info.Env(), "an ack window is 36 words");
  return words.data;
}

}  // namespace

Napi::Value AckWindowCheck(const Napi::CallbackInfo& info) {
  AckWindowView w(windowWords(info));
  return Napi::Boolean::New(info.Env(), w.check(indexArg(info, 1, "value")));
}

Napi::Value AckWindowCommit(const Napi::CallbackInfo& info) {
  AckWindowView w(windowWords(info));
  const uint64_t value = indexArg(info, 1, "value");
  if (!w.check(value)) throwRange(info.Env(), "commit of a value check() refuses");
  w.commit(value);
  return info.Env().Undefined();
}

Napi::Value AckWindowRecord(const Napi::CallbackInfo& info) {
  AckWindowView w(windowWords(info));
  return Napi::Boolean::New(info.Env(), w.record(static_cast<uint16_t>(uint32Arg(info, 1, 0xffff, "sequence"))));
}

}  // namespace paperclip::napi
