// Registers the addon's functions and classes; nothing else lives here.
#include <napi.h>
#include <xnnpack.h>

#include <csignal>
#include <string>

#include "addon_data.h"
#include "allocator.h"
#include "constants.h"
#include "mapped_file.h"
#include "platform.h"
#include "session_runtime.h"
#include "sha256.h"
#include "subgraph.h"
#include "task_pool.h"
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

// sha256Implementation() -> "sha-ni" | "armv8-crypto" | "portable": how model digests are computed here.
Napi::Value Sha256Implementation(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), Sha256::Implementation()); }

// concurrency() -> how many inferences (and other native tasks) run at once in this process.
Napi::Value ConcurrencyValue(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), Concurrency()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // A cache write past RLIMIT_FSIZE must fail with EFBIG, not kill the process.
  struct sigaction current {};
  if (sigaction(SIGXFSZ, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(SIGXFSZ, SIG_IGN);

  auto* data = new AddonData();
  // xnn_initialize is idempotent and thread-safe; each environment records its result.
  data->init_status = xnn_initialize(Allocator());
  env.SetInstanceData(data);
  data->tasks = EnvTasks::Create(env);
  if (data->tasks == nullptr) return exports;

  Napi::Function subgraph = Subgraph::Define(env);

  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  exports.Set("constants", Constants(env));
  exports.Set("Subgraph", subgraph);
  exports.Set("SessionRuntime", SessionRuntime::Define(env));
  exports.Set("MappedFile", MappedFile::Define(env));
  exports.Set("verifyCacheFile", Napi::Function::New(env, VerifyCacheFile, "verifyCacheFile"));
  exports.Set("prefetchCacheFile", Napi::Function::New(env, PrefetchCacheFile, "prefetchCacheFile"));
  exports.Set("releaseCacheFile", Napi::Function::New(env, ReleaseCacheFile, "releaseCacheFile"));
  exports.Set("concurrency", Napi::Function::New(env, ConcurrencyValue, "concurrency"));
  exports.Set("sha256Implementation", Napi::Function::New(env, Sha256Implementation, "sha256Implementation"));
  return exports;
}

}  // namespace
}  // namespace xnnlite

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return xnnlite::Init(env, exports); }

NODE_API_MODULE(xnnlite, InitAddon)
