// ReferenceRuntime: runs a reference::Program with the same JS interface as
// Runtime (externals, invoke, invokeAsync, profile, cacheReport, dispose,
// busy), so a Session drives either without knowing which.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pthreadpool.h>

#include "../external_views.h"
#include "program.h"

namespace xnnlite::reference {

struct Graph {
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  ~Graph();
  // Runs the tasks of kernels that split their work; null for one thread.
  pthreadpool_t pool = nullptr;
  Tensors tensors;
  std::vector<Op> ops;
  std::vector<ExternalBuffer> externals;  // inputs first, then outputs; `data` points into `tensors`
  std::vector<uint64_t> micros;     // per op, of the last inference
  // Runs every op; throws KernelError (with the op's label) for a run-time value an op cannot take.
  void Invoke();
};

class ReferenceRuntime : public Napi::ObjectWrap<ReferenceRuntime> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ReferenceRuntime(const Napi::CallbackInfo& info);

  Graph* graph() { return graph_.get(); }
  void SetBusy(bool busy) { busy_ = busy; }
  void FinishPendingDispose();

 private:
  static Napi::Value Create(const Napi::CallbackInfo& info);
  Napi::Value Externals(const Napi::CallbackInfo& info);
  Napi::Value Profile(const Napi::CallbackInfo& info);
  Napi::Value CacheReport(const Napi::CallbackInfo& info);
  Napi::Value Invoke(const Napi::CallbackInfo& info);
  Napi::Value InvokeAsync(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsBusy(const Napi::CallbackInfo& info);
  bool EnsureIdle(Napi::Env env);
  bool EnsureUsable(Napi::Env env);

  std::unique_ptr<Graph> graph_;
  bool busy_ = false;
  bool dispose_pending_ = false;
};

}  // namespace xnnlite::reference
