// Registers the addon's functions and classes; nothing else lives here.
#include <napi.h>
#include <xnnpack.h>

#include <csignal>
#include <string>

#include "addon_data.h"
#include "constants.h"
#include "mapped_file.h"
#include "platform.h"
#include "reference/runtime.h"
#include "runtime.h"
#include "subgraph.h"
#include "crc32c.h"
#include "weight_cache.h"

namespace xnnlite {
namespace {

// setErrorClass(XnnpackError): the JS class used for every XNNPACK failure.
Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "setErrorClass(ctor): expected a constructor").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Data(env).xnnpack_error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

// verifyCacheFile(path) -> { ok, reason, metadata }: full check of a weight cache file.
Napi::Value VerifyCacheFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "verifyCacheFile(path): expected a string").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string reason;
  std::string metadata;
  bool ok = CacheMapping::Verify(info[0].As<Napi::String>().Utf8Value(), &reason, &metadata);
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", ok);
  result.Set("reason", reason);
  result.Set("metadata", metadata);
  return result;
}

// crc32c(view, seed?) -> number: a fast checksum of bytes (the weight cache names models with it).
Napi::Value Crc32cOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray()) {
    Napi::TypeError::New(env, "crc32c(view, seed): expected a typed array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::TypedArray view = info[0].As<Napi::TypedArray>();
  uint32_t seed = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0;
  const auto* data = static_cast<const uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
  return Napi::Number::New(env, Crc32c(data, view.ByteLength(), seed));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // A cache write past RLIMIT_FSIZE must fail with EFBIG, not kill the process.
  struct sigaction current {};
  if (sigaction(SIGXFSZ, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(SIGXFSZ, SIG_IGN);

  auto* data = new AddonData();
  // xnn_initialize is idempotent and thread-safe; each environment records its result.
  data->init_status = xnn_initialize(nullptr);
  env.SetInstanceData(data);

  Napi::Function subgraph = Subgraph::Define(env);
  Napi::Function runtime = Runtime::Define(env);
  data->subgraph_class = Napi::Persistent(subgraph);
  data->runtime_class = Napi::Persistent(runtime);

  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  exports.Set("constants", Constants(env));
  exports.Set("Subgraph", subgraph);
  exports.Set("Runtime", runtime);
  exports.Set("ReferenceRuntime", reference::ReferenceRuntime::Define(env));
  exports.Set("MappedFile", MappedFile::Define(env));
  exports.Set("verifyCacheFile", Napi::Function::New(env, VerifyCacheFile, "verifyCacheFile"));
  exports.Set("crc32c", Napi::Function::New(env, Crc32cOf, "crc32c"));
  return exports;
}

}  // namespace
}  // namespace xnnlite

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return xnnlite::Init(env, exports); }

NODE_API_MODULE(xnnlite, InitAddon)
