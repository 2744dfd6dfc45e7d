// SessionRuntime: the one native runtime of a session. It executes a plan
// (native/session_core.h): XNNPACK partitions and reference kernels over
// one arena. Created off the JS thread; inferences run on xnnlite's task
// pool (invokeAsync) or the calling thread (invoke), one at a time.
#pragma once

#include <napi.h>

#include <memory>

#include "session_core.h"

namespace xnnlite {

class SessionRuntime : public Napi::ObjectWrap<SessionRuntime> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit SessionRuntime(const Napi::CallbackInfo& info);
  SessionCore* core() { return core_.get(); }
  void SetBusy(bool busy) { busy_ = busy; }
  // Completes a dispose() that arrived while an inference was running.
  void FinishPendingDispose(Napi::Env env);

 private:
  static Napi::Value Create(const Napi::CallbackInfo& info);
  Napi::Value Externals(const Napi::CallbackInfo& info);
  Napi::Value Profile(const Napi::CallbackInfo& info);
  Napi::Value CacheReport(const Napi::CallbackInfo& info);
  Napi::Value PackedWeightsHandle(const Napi::CallbackInfo& info);
  Napi::Value Invoke(const Napi::CallbackInfo& info);
  Napi::Value InvokeAsync(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsBusy(const Napi::CallbackInfo& info);

  void Release(Napi::Env env);
  // Throws ERR_XNNLITE_BUSY (and returns false) while an async inference runs.
  bool EnsureIdle(Napi::Env env);
  // Throws (and returns false) unless the runtime is open and idle.
  bool EnsureUsable(Napi::Env env);

  std::unique_ptr<SessionCore> core_;
  bool busy_ = false;
  bool dispose_pending_ = false;
  int64_t reported_bytes_ = 0;
};

}  // namespace xnnlite
