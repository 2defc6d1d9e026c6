// UdpEngine for JS (lib/transport/native-engine.ts): the engine's socket is watched by a libuv
// poll handle on Node's own loop (docs/NATIVE.md explains why not a thread). A readable socket
// costs one JS call, onBatch(entries), for everything read in that wake-up; the entries are in
// the shared `out`/`meta` buffers given at construction and are only valid during the call.
#include <uv.h>

#include <cerrno>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "../udp_engine.h"
#include "args.h"
#include "bindings.h"

namespace paperclip::napi {
namespace {

constexpr uint32_t kDefaultRounds = 4;

// The errno names node:dgram reports for socket() / bind() failures.
const char* errnoName(int error) {
  switch (error) {
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EACCES: return "EACCES";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    default: return "ERR_SOCKET";
  }
}

class UdpEngineWrap : public Napi::ObjectWrap<UdpEngineWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "UdpEngine",
                       {
                           InstanceMethod<&UdpEngineWrap::Port>("port"),
                           InstanceMethod<&UdpEngineWrap::Attach>("attach"),
                           InstanceMethod<&UdpEngineWrap::Detach>("detach"),
                           InstanceMethod<&UdpEngineWrap::Send>("send"),
                           InstanceMethod<&UdpEngineWrap::Stats>("stats"),
                           InstanceMethod<&UdpEngineWrap::Close>("close"),
                       });
  }

  // new UdpEngine({ host, port, listen, state: Uint32Array, out: Uint8Array, meta: Int32Array, onBatch, rounds? })
  explicit UdpEngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<UdpEngineWrap>(info) {
    Napi::Env env = info.Env();
    Napi::Object o = objectArg(info, 0, "options");
    const std::string host = o.Get("host").ToString().Utf8Value();
    const uint32_t port = o.Get("port").ToNumber().Uint32Value();
    if (port > 0xffff) throwRange(env, "port must be 0..65535");
    const bool listen = o.Get("listen").ToBoolean().Value();
    Array<uint32_t> state = uint32FieldMutable(o, "state");
    MutableBytes out = bytesField(o, "out");
    Array<int32_t> meta = int32Field(o, "meta");
    if (state.size % kSlotWords != 0) throwRange(env, "state must hold whole slots");
    if (meta.size < kMetaInts || out.size < 65536) throwRange(env, "out must hold 64 KiB and meta one entry");
    Napi::Value onBatch = o.Get("onBatch");
    if (!onBatch.IsFunction()) throw Napi::TypeError::New(env, "onBatch must be a function");
    const Napi::Value rounds = o.Get("rounds");
    rounds_ = rounds.IsNumber() ? std::max(1u, rounds.As<Napi::Number>().Uint32Value()) : kDefaultRounds;
    try {
      engine_ = std::make_unique<UdpEngine>(host, static_cast<uint16_t>(port), listen, state);
    } catch (const SocketError& e) {
      Napi::Error error = Napi::Error::New(env, std::string("paperclip native: ") + e.what());
      error.Set("code", Napi::String::New(env, errnoName(e.error)));
      throw error;
    } catch (const std::runtime_error& e) {
      throw Napi::Error::New(env, std::string("paperclip native: ") + e.what());
    }
    target_ = ReceiveTarget{out, meta};
    buffers_ = Napi::Persistent(o);  // keeps state/out/meta alive with the engine
    onBatch_ = Napi::Persistent(onBatch.As<Napi::Function>());
    context_ = std::make_unique<Napi::AsyncContext>(env, "paperclip:udp-engine");
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, poll_.get(), engine_->fd()) != 0) {
      throw Napi::Error::New(env, "paperclip native: cannot watch the socket");
    }
    poll_->data = this;
    polling_ = true;
    Ref();  // alive while the poll handle is: released in the close callback
    // A worker thread that ends without close() tears its loop down with the poll handle still
    // open, and Node aborts the whole process (uv_loop_close with open handles): close it first.
    env_ = env;
    hooked_ = napi_add_env_cleanup_hook(env, &UdpEngineWrap::OnEnvCleanup, this) == napi_ok;
    watch();
  }

  ~UdpEngineWrap() override { abandon(); }

 private:
  void watch() {
    const int events = UV_READABLE | (engine_->hasPending() ? UV_WRITABLE : 0);
    if (events != events_) {
      uv_poll_start(poll_.get(), events, &UdpEngineWrap::OnPoll);
      events_ = events;
    }
  }

  static void OnPoll(uv_poll_t* handle, int status, int events) {
    auto* self = static_cast<UdpEngineWrap*>(handle->data);
    if (!self->polling_) return;
    if (status < 0) events = UV_READABLE;  // an error (e.g. ICMP): let recvmmsg report and clear it
    if (events & UV_WRITABLE) self->engine_->flushPending();
    if (events & UV_READABLE) self->receive();
    if (self->polling_) self->watch();
  }

  void receive() {
    // one JS call per filled target: datagrams that did not fit are carried to the next one
    for (uint32_t call = 0; polling_ && call < rounds_; ++call) {
      const size_t entries = engine_->receive(target_, rounds_);
      if (entries > 0 && !deliver(entries)) return;
      if (!engine_->hasCarry()) return;
    }
  }

  // One onBatch(entries) call. The C API throughout, not node-addon-api's wrappers: this runs in a
  // libuv callback with no JS frame to catch a C++ exception, and on a worker being terminated
  // every step can fail with no exception object (node-addon-api then aborts the process).
  // False: stop reading, the environment is going away. An exception the callback threw goes to
  // uncaughtException and reading goes on, as after a throwing node:dgram 'message' listener.
  bool deliver(size_t entries) {
    const napi_env env = Env();
    napi_handle_scope scope = nullptr;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return false;
    napi_value receiver = nullptr;
    napi_value callback = nullptr;
    napi_value argv[1] = {nullptr};
    napi_value ignored = nullptr;
    bool ok = napi_get_reference_value(env, static_cast<napi_ref>(*this), &receiver) == napi_ok &&
              napi_get_reference_value(env, static_cast<napi_ref>(onBatch_), &callback) == napi_ok &&
              napi_create_double(env, static_cast<double>(entries), &argv[0]) == napi_ok && receiver != nullptr && callback != nullptr;
    if (ok && napi_make_callback(env, *context_, receiver, callback, 1, argv, &ignored) != napi_ok) {
      napi_value error = nullptr;
      napi_valuetype type = napi_undefined;
      // a terminating environment leaves no exception object: that is the only case to stop for
      ok = napi_get_and_clear_last_exception(env, &error) == napi_ok && napi_typeof(env, error, &type) == napi_ok && type != napi_undefined;
      if (ok) napi_fatal_exception(env, error);
    }
    napi_close_handle_scope(env, scope);
    return ok;
  }

  Napi::Value Port(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), engine_ ? engine_->localPort() : 0); }

  // attach(slot, host, port, mode 1 raw | 2 sealed, [algorithm 0 xchacha | 1 aes-gcm, sendKey, sendIv, receiveKey, receiveIv])
  Napi::Value Attach(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!polling_) throw Napi::Error::New(env, "paperclip native: engine is closed");
    const uint32_t slot = uint32Arg(info, 0, 0xffffffffu, "slot");
    const std::string host = info[1].ToString().Utf8Value();
    const uint32_t port = uint32Arg(info, 2, 0xffff, "port");
    const uint32_t mode = uint32Arg(info, 3, 2, "mode");
    if (mode == 0) throwRange(env, "mode must be 1 (raw) or 2 (sealed)");
    SlotKeys keys;
    if (mode == 2) {
      keys.algorithm = uint32Arg(info, 4, 1, "algorithm") == 0 ? AeadAlgorithm::kXChaCha20Poly1305 : AeadAlgorithm::kAes256Gcm;
      const Bytes sendKey = exactBytesArg(info, 5, 32, "sendKey"), sendIv = exactBytesArg(info, 6, 16, "sendIv");
      const Bytes receiveKey = exactBytesArg(info, 7, 32, "receiveKey"), receiveIv = exactBytesArg(info, 8, 16, "receiveIv");
      std::copy(sendKey.data, sendKey.data + 32, keys.sendKey);
      std::copy(sendIv.data, sendIv.data + 16, keys.sendIv);
      std::copy(receiveKey.data, receiveKey.data + 32, keys.receiveKey);
      std::copy(receiveIv.data, receiveIv.data + 16, keys.receiveIv);
    }
    const std::string error = engine_->attach(slot, host, static_cast<uint16_t>(port), static_cast<SlotMode>(mode), mode == 2 ? &keys : nullptr);
    if (!error.empty()) throwRange(env, error);
    return env.Undefined();
  }

  Napi::Value Detach(const Napi::CallbackInfo& info) {
    if (engine_) engine_->detach(uint32Arg(info, 0, 0xffffffffu, "slot"));
    return info.Env().Undefined();
  }

  // send(bytes: Uint8Array, meta: Int32Array, count): datagrams handed to the kernel
  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!polling_) return Napi::Number::New(env, 0);
    MutableBytes bytes = bytesArg(info, 0, "bytes");
    Array<int32_t> meta = mutableInt32Arg(info, 1, "meta");
    const uint32_t count = uint32Arg(info, 2, 0xffffffffu, "count");
    if (static_cast<uint64_t>(count) * kSendInts > meta.size) throwRange(env, "meta holds fewer entries than count");
    const size_t sent = engine_->send(bytes, Array<const int32_t>{meta.data, meta.size}, count);
    watch();
    return Napi::Number::New(env, static_cast<double>(sent));
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    const EngineStats& s = engine_->stats();
    const auto set = [&](const char* name, uint64_t v) { o.Set(name, Napi::Number::New(env, static_cast<double>(v))); };
    set("datagramsIn", s.datagramsIn);
    set("datagramsOut", s.datagramsOut);
    set("batches", s.batches);
    set("syscallsIn", s.syscallsIn);
    set("syscallsOut", s.syscallsOut);
    set("opened", s.opened);
    set("raw", s.raw);
    set("malformed", s.malformed);
    set("unknownSource", s.unknownSource);
    set("replayed", s.replayed);
    set("forged", s.forged);
    set("duplicates", s.duplicates);
    set("truncated", s.truncated);
    set("sendErrors", s.sendErrors);
    set("sendQueued", s.sendQueued);
    set("sendDropped", s.sendDropped);
    o.Set("gso", Napi::Boolean::New(env, engine_->gsoAvailable()));
    o.Set("gro", Napi::Boolean::New(env, engine_->groAvailable()));
    return o;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    stopPolling();
    return info.Env().Undefined();
  }

  // close(): the handle's close callback closes the socket and lets the wrapper be collected.
  void stopPolling() {
    if (!polling_) return;
    polling_ = false;
    uv_poll_stop(poll_.get());
    uv_close(reinterpret_cast<uv_handle_t*>(poll_.release()), &UdpEngineWrap::OnClosed);
  }

  // The environment is going away (a worker ending, or the main thread exiting) with the engine
  // still open, or the wrapper is being finalized by that teardown. The loop finishes closing
  // handles only after the teardown, when this addon may already be unloaded (a worker that was
  // its only user) and the wrapper deleted: so no close callback (it would run unmapped code), the
  // socket closed here, and the few bytes of the handle left to the dying loop on purpose.
  void abandon() {
    if (hooked_) napi_remove_env_cleanup_hook(env_, &UdpEngineWrap::OnEnvCleanup, this);
    hooked_ = false;
    if (!polling_) return;
    polling_ = false;
    uv_poll_stop(poll_.get());
    uv_close(reinterpret_cast<uv_handle_t*>(poll_.release()), nullptr);
    engine_->close();
  }

  static void OnEnvCleanup(void* arg) {
    auto* self = static_cast<UdpEngineWrap*>(arg);
    self->hooked_ = false;  // a hook must not remove itself while it runs
    self->abandon();
  }

  static void OnClosed(uv_handle_t* handle) {
    const std::unique_ptr<uv_poll_t> owned(reinterpret_cast<uv_poll_t*>(handle));
    auto* self = static_cast<UdpEngineWrap*>(owned->data);
    self->engine_->close();  // the fd outlives the poll handle watching it
    if (self->hooked_) napi_remove_env_cleanup_hook(self->env_, &UdpEngineWrap::OnEnvCleanup, self);
    self->hooked_ = false;
    self->Unref();
  }

  std::unique_ptr<UdpEngine> engine_;
  ReceiveTarget target_;
  uint32_t rounds_ = kDefaultRounds;
  Napi::ObjectReference buffers_;
  Napi::FunctionReference onBatch_;
  std::unique_ptr<Napi::AsyncContext> context_;
  // Heap-allocated: a handle being closed must outlive the wrapper when the environment tears down.
  std::unique_ptr<uv_poll_t> poll_ = std::make_unique<uv_poll_t>();
  napi_env env_ = nullptr;
  bool hooked_ = false;
  bool polling_ = false;
  int events_ = 0;
};

}  // namespace

Napi::Function DefineUdpEngine(Napi::Env env) { return UdpEngineWrap::Define(env); }

}  // namespace paperclip::napi
