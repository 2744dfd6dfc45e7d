// xnnlite's own worker threads. Inference, session creation and hashing run
// here, never on libuv's pool, which Node shares with fs, dns.lookup, zlib and
// crypto: a busy inference must not delay a file read of the service.
//
// One pool per process, shared by every environment (main thread and
// worker_threads). At most Concurrency() tasks run at once: the number of
// CPUs the process may use (at least 2, so that a long session creation does
// not hold back every inference), or XNNLITE_CONCURRENCY when set (1-1024).
// Tasks start in the order they were submitted. The threads run at a lower
// priority than the process (XNNLITE_NICE, default 10 nice levels), so that
// under CPU contention the event loop and libuv's pool come first.
//
// Each environment has an EnvTasks: it hands finished tasks back to its JS
// thread through a thread-safe function, keeps the event loop alive while any
// of its tasks is outstanding, and on teardown (process exit, worker
// termination) drops its queued tasks and waits for its running ones, so that
// nothing runs on objects the environment is about to free.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xnnlite {

class EnvTasks;

class PoolTask {
 public:
  PoolTask() = default;
  PoolTask(const PoolTask&) = delete;
  PoolTask& operator=(const PoolTask&) = delete;
  virtual ~PoolTask() = default;

 protected:
  friend class EnvTasks;
  friend class TaskPool;
  // On a pool thread. Must not throw or touch napi values.
  virtual void Execute() = 0;
  // On the JS thread, once Execute returned. The task is deleted afterwards.
  virtual void Deliver(napi_env env) = 0;

 private:
  EnvTasks* owner_ = nullptr;
};

class EnvTasks {
 public:
  // Null (with a pending JS exception) if the thread-safe function could not be made.
  static EnvTasks* Create(napi_env env);

  // On the JS thread: queues `task`, which the pool then owns. False (the
  // caller keeps the task) while the environment is being torn down, or if
  // no thread could be started.
  bool Submit(PoolTask* task);

  // Number of this environment's tasks submitted and not yet completed.
  size_t outstanding() const { return outstanding_; }

 private:
  friend class TaskPool;
  EnvTasks() = default;
  static void CallJs(napi_env env, napi_value, void* context, void*);
  static void Finalize(napi_env, void* data, void*);
  static void Cleanup(void* data);
  void DrainFinished(napi_env env);

  napi_env env_ = nullptr;
  napi_threadsafe_function tsfn_ = nullptr;
  // JS thread only.
  size_t outstanding_ = 0;
  bool closing_ = false;
  bool cleaned_up_ = false;
  bool finalized_ = false;
  // Guarded by the pool's mutex.
  size_t running_ = 0;
  std::vector<PoolTask*> finished_;
};

// How many tasks run at once in this process.
uint32_t Concurrency();

}  // namespace xnnlite
