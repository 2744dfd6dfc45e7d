#include "task_pool.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <iterator>
#include <mutex>
#include <system_error>
#include <thread>

namespace xnnlite {
namespace {

constexpr uint32_t kMaxConcurrency = 1024;

uint32_t ChooseConcurrency() {
  if (const char* value = std::getenv("XNNLITE_CONCURRENCY"); value != nullptr && *value != '\0') {
    // lib/native.ts refuses a malformed value before the addon loads; this is the backstop.
    char* end = nullptr;
    long n = std::strtol(value, &end, 10);
    if (*end == '\0' && n >= 1 && n <= static_cast<long>(kMaxConcurrency)) return static_cast<uint32_t>(n);
  }
  long cpus = 0;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = CPU_COUNT(&set);
  if (cpus <= 0) cpus = static_cast<long>(std::thread::hardware_concurrency());
  return static_cast<uint32_t>(std::clamp<long>(cpus, 2, kMaxConcurrency));
}

// How much lower than the process the pool's threads run (Linux nice levels).
// Under CPU contention, the event loop, libuv's pool and other processes then
// come first; with idle CPUs it changes nothing. The XNNPACK threads a session
// starts inherit it. XNNLITE_NICE=0 runs inference at the process's priority.
int ChooseNiceOffset() {
  constexpr int kDefaultNiceOffset = 10;
  if (const char* value = std::getenv("XNNLITE_NICE"); value != nullptr && *value != '\0') {
    char* end = nullptr;
    long n = std::strtol(value, &end, 10);
    if (*end == '\0' && n >= 0 && n <= 19) return static_cast<int>(n);
  }
  return kDefaultNiceOffset;
}

void LowerThreadPriority() {
  static const int offset = ChooseNiceOffset();
  if (offset == 0) return;
  // On Linux a nice value belongs to the thread: this lowers only the calling one.
  errno = 0;
  int current = getpriority(PRIO_PROCESS, 0);
  if (errno != 0) return;
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), std::min(19, current + offset));
}

}  // namespace

class TaskPool {
 public:
  // Never destroyed: its threads are not joined by a static destructor. At
  // exit, running tasks are waited for (see WaitAtExit) and queued ones dropped.
  static TaskPool& Get() {
    static TaskPool* pool = new TaskPool();
    return *pool;
  }

  std::mutex mutex;
  // Signalled when a task is queued or the process exits.
  std::condition_variable work;
  // Signalled when a task stops running.
  std::condition_variable stopped;
  std::deque<PoolTask*> queue;
  const uint32_t size = ChooseConcurrency();

  // Caller holds `mutex`. False if no thread could run the task.
  bool Push(PoolTask* task) {
    if (exiting_) return false;
    queue.push_back(task);
    if (queue.size() > idle_ && started_ < size) {
      try {
        std::thread(&TaskPool::Loop, this).detach();
        started_++;
      } catch (const std::system_error&) {
        if (started_ == 0) {
          queue.pop_back();
          return false;
        }
      }
    }
    work.notify_one();
    return true;
  }

 private:
  TaskPool() { std::atexit(&TaskPool::WaitAtExit); }

  // Node's own exit path frees nothing a running task uses, but exit() runs
  // static destructors: let running tasks finish first, start no new ones.
  static void WaitAtExit() {
    TaskPool& pool = Get();
    std::unique_lock<std::mutex> lock(pool.mutex);
    pool.exiting_ = true;
    pool.work.notify_all();
    pool.stopped.wait(lock, [&] { return pool.running_ == 0; });
  }

  void Loop() {
    LowerThreadPriority();
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      idle_++;
      work.wait(lock, [&] { return exiting_ || !queue.empty(); });
      idle_--;
      if (exiting_) return;
      PoolTask* task = queue.front();
      queue.pop_front();
      EnvTasks* owner = task->owner_;
      owner->running_++;
      running_++;
      lock.unlock();
      task->Execute();
      lock.lock();
      owner->finished_.push_back(task);
      lock.unlock();
      // Still counted as running: the environment's teardown waits for this
      // call before it releases the thread-safe function.
      napi_call_threadsafe_function(owner->tsfn_, nullptr, napi_tsfn_nonblocking);
      lock.lock();
      owner->running_--;
      running_--;
      stopped.notify_all();
    }
  }

  uint32_t started_ = 0;
  uint32_t idle_ = 0;
  size_t running_ = 0;
  bool exiting_ = false;
};

uint32_t Concurrency() { return TaskPool::Get().size; }

EnvTasks* EnvTasks::Create(napi_env env) {
  auto* tasks = new EnvTasks();
  tasks->env_ = env;
  napi_value name;
  napi_status status = napi_create_string_utf8(env, "xnnlite", NAPI_AUTO_LENGTH, &name);
  if (status == napi_ok) {
    status = napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, tasks, &EnvTasks::Finalize, tasks,
                                             &EnvTasks::CallJs, &tasks->tsfn_);
  }
  if (status != napi_ok) {
    delete tasks;
    napi_throw_error(env, nullptr, "xnnlite: could not create the thread-safe function that delivers results");
    return nullptr;
  }
  // Only outstanding tasks keep the event loop alive.
  napi_unref_threadsafe_function(env, tasks->tsfn_);
  // Registered after the thread-safe function, so it runs before Node's own teardown of it.
  napi_add_env_cleanup_hook(env, &EnvTasks::Cleanup, tasks);
  return tasks;
}

bool EnvTasks::Submit(PoolTask* task) {
  if (closing_) return false;
  task->owner_ = this;
  TaskPool& pool = TaskPool::Get();
  {
    std::lock_guard<std::mutex> lock(pool.mutex);
    if (!pool.Push(task)) return false;
  }
  if (outstanding_++ == 0) napi_ref_threadsafe_function(env_, tsfn_);
  return true;
}

void EnvTasks::CallJs(napi_env env, napi_value, void* context, void*) {
  // A null env: the function is being torn down, and Cleanup disposes of every task.
  if (env == nullptr) return;
  auto* tasks = static_cast<EnvTasks*>(context);
  if (!tasks->closing_) tasks->DrainFinished(env);
}

void EnvTasks::DrainFinished(napi_env env) {
  std::vector<PoolTask*> finished;
  {
    std::lock_guard<std::mutex> lock(TaskPool::Get().mutex);
    finished.swap(finished_);
  }
  for (PoolTask* task : finished) {
    try {
      task->Deliver(env);
    } catch (...) {
      // Nothing may cross back into Node's C frames; Deliver reports its own failures.
    }
    delete task;
    if (--outstanding_ == 0 && !closing_) napi_unref_threadsafe_function(env, tsfn_);
  }
}

void EnvTasks::Cleanup(void* data) {
  auto* tasks = static_cast<EnvTasks*>(data);
  tasks->closing_ = true;
  std::vector<PoolTask*> abandoned;
  {
    TaskPool& pool = TaskPool::Get();
    std::unique_lock<std::mutex> lock(pool.mutex);
    auto mine = [&](PoolTask* task) { return task->owner_ == tasks; };
    std::copy_if(pool.queue.begin(), pool.queue.end(), std::back_inserter(abandoned), mine);
    pool.queue.erase(std::remove_if(pool.queue.begin(), pool.queue.end(), mine), pool.queue.end());
    pool.stopped.wait(lock, [&] { return tasks->running_ == 0; });
    abandoned.insert(abandoned.end(), tasks->finished_.begin(), tasks->finished_.end());
    tasks->finished_.clear();
  }
  // Their promises are never settled: nobody is left to see them. Deleting
  // them now releases their references while the environment still exists.
  for (PoolTask* task : abandoned) delete task;
  tasks->cleaned_up_ = true;
  if (tasks->finalized_) {
    delete tasks;
  } else {
    napi_release_threadsafe_function(tasks->tsfn_, napi_tsfn_abort);
  }
}

void EnvTasks::Finalize(napi_env, void* data, void*) {
  auto* tasks = static_cast<EnvTasks*>(data);
  tasks->finalized_ = true;
  if (tasks->cleaned_up_) delete tasks;
}

}  // namespace xnnlite
