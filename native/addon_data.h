// Per-environment state of the addon (one per Node.js thread that loads it).
#pragma once

#include <napi.h>
#include <xnnpack.h>

#include "cache_prefetch.h"
#include "task_pool.h"

namespace xnnlite {

struct AddonData {
  // Result of xnn_initialize(); every XNNPACK entry point checks it first.
  xnn_status init_status = xnn_status_uninitialized;
  // JS error class for XNNPACK failures, handed over by lib/native.ts.
  Napi::FunctionReference xnnpack_error_class;
  Napi::FunctionReference session_runtime_class;
  Napi::FunctionReference mapped_file_class;
  // Hands this environment's finished pool tasks back to its JS thread; freed by its own teardown.
  EnvTasks* tasks = nullptr;
  // Cache files mapped ahead of sessions (native/cache_prefetch.h).
  CacheHolds cache_holds;
};

inline AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace xnnlite
