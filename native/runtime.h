// Runtime: mirrors xnn_runtime_t. Owns its thread pool and padded, aligned
// buffers for every external input and output, set up once, so that an
// inference is: copy inputs in, xnn_invoke_runtime, copy outputs out.
#pragma once

#include <napi.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <memory>
#include <string>
#include <vector>

#include "external_views.h"
#include "subgraph.h"
#include "weight_cache.h"

namespace xnnlite {

struct XnnFailure {
  std::string call;
  xnn_status status = xnn_status_success;
};

// The XNNPACK objects behind one Runtime. Worker threads use it only while
// the owning Runtime is marked busy.
class RuntimeCore {
 public:
  RuntimeCore() = default;
  RuntimeCore(const RuntimeCore&) = delete;
  RuntimeCore& operator=(const RuntimeCore&) = delete;
  ~RuntimeCore();

  // Consumes the subgraph. Safe to call off the JS thread. With a cache
  // request, packed weights come from (or go to) the shared cache file.
  bool Create(SubgraphParts parts, uint32_t threads, uint32_t flags, std::unique_ptr<CacheRequest> cache, XnnFailure* failure);
  const WeightCacheProvider* cache() const { return cache_.get(); }
  bool Invoke(XnnFailure* failure);
  // Empty while the files XNNPACK reads at run time (the model's, the weight
  // cache's) are as they were; else how one changed. Checked after every
  // inference and after creation: what was computed from a changed file is
  // not returned.
  std::string BackingChange() const;

  // Per-operator names and times (microseconds) of the last invoke; needs XNN_FLAG_BASIC_PROFILING.
  bool Profile(std::vector<std::string>* names, std::vector<uint64_t>* micros, XnnFailure* failure) const;

  std::vector<ExternalBuffer>& externals() { return externals_; }
  size_t OwnedBytes() const;
  uint32_t threads() const { return threads_; }

 private:
  xnn_runtime_t runtime_ = nullptr;
  pthreadpool_t threadpool_ = nullptr;
  uint32_t threads_ = 1;
  std::vector<ExternalBuffer> externals_;
  std::unique_ptr<StaticData> static_data_;
  // Outlives runtime_: XNNPACK's operators point into it.
  std::unique_ptr<WeightCacheProvider> cache_;
  // Outlives runtime_ too: XNNPACK keeps the pointers of static data.
  std::unique_ptr<LazyWeights> lazy_;
};

class Runtime : public Napi::ObjectWrap<Runtime> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Runtime(const Napi::CallbackInfo& info);
  RuntimeCore* core() { return core_.get(); }
  void SetBusy(bool busy) { busy_ = busy; }
  // Completes a dispose() that arrived while an inference was running.
  void FinishPendingDispose(Napi::Env env);

 private:
  static Napi::Value Create(const Napi::CallbackInfo& info);
  Napi::Value Externals(const Napi::CallbackInfo& info);
  Napi::Value Profile(const Napi::CallbackInfo& info);
  Napi::Value CacheReport(const Napi::CallbackInfo& info);
  Napi::Value Invoke(const Napi::CallbackInfo& info);
  Napi::Value InvokeAsync(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsBusy(const Napi::CallbackInfo& info);

  void Release(Napi::Env env);
  // Throws ERR_XNNLITE_BUSY (and returns false) while an async inference runs.
  bool EnsureIdle(Napi::Env env);
  // Throws (and returns false) unless the runtime is open and idle.
  bool EnsureUsable(Napi::Env env);

  std::unique_ptr<RuntimeCore> core_;
  bool busy_ = false;
  bool dispose_pending_ = false;
  int64_t reported_bytes_ = 0;
};

}  // namespace xnnlite
