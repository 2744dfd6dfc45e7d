#include "cache_prefetch.h"

#include <cstring>

#include "addon_data.h"
#include "promise_worker.h"
#include "weight_cache.h"

namespace xnnlite {
namespace {

class PrefetchWorker : public PromiseWorker {
 public:
  PrefetchWorker(Napi::Env env, std::string path, const uint8_t* fingerprint) : PromiseWorker(env), path_(std::move(path)) {
    std::memcpy(fingerprint_, fingerprint, sizeof(fingerprint_));
  }

 protected:
  void Run() override {
    std::string reason;
    mapping_ = CacheMapping::Open(path_, fingerprint_, &reason);
  }

  Napi::Value Result(Napi::Env env) override {
    if (!mapping_) return Napi::Boolean::New(env, false);
    auto& entry = Data(env).cache_holds.by_path[path_];
    entry.first = mapping_;
    entry.second++;
    return Napi::Boolean::New(env, true);
  }

 private:
  std::string path_;
  uint8_t fingerprint_[32];
  std::shared_ptr<CacheMapping> mapping_;
};

}  // namespace

Napi::Value PrefetchCacheFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array || info[1].As<Napi::Uint8Array>().ElementLength() != 32) {
    Napi::TypeError::New(env, "prefetchCacheFile(path, fingerprint): expected a string and a Uint8Array of 32 bytes")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return PromiseWorker::Start(new PrefetchWorker(env, info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::Uint8Array>().Data()));
}

Napi::Value ReleaseCacheFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "releaseCacheFile(path): expected a string").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto& holds = Data(env).cache_holds.by_path;
  auto it = holds.find(info[0].As<Napi::String>().Utf8Value());
  if (it != holds.end() && --it->second.second <= 0) holds.erase(it);
  return env.Undefined();
}

}  // namespace xnnlite
