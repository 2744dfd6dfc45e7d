// Base for every asynchronous operation: runs Run() on xnnlite's task pool
// (native/task_pool.h), settles a Promise on the JS thread. Run() must not
// touch napi values and any C++ exception it throws becomes a rejection,
// never a crash; it reports XNNPACK failures through Fail(call, status) so
// that the promise rejects with an XnnpackError naming the failing call.
//
// worker.terminate() can land at any moment. If it lands while a method is
// starting work, V8 refuses to make the promise: Start() then drops the work
// and returns undefined (never an uninitialized value, which Node would
// dereference). If it lands while the work is queued or running, the
// environment's teardown drops or waits for it and the promise stays pending.
#pragma once

#include <napi.h>
#include <xnnpack.h>

#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "addon_data.h"
#include "task_pool.h"
#include "xnn_error.h"

namespace xnnlite {

class PromiseWorker : public PoolTask {
 public:
  explicit PromiseWorker(Napi::Env env) : env_(env) {
    if (napi_create_promise(env, &deferred_, &promise_) != napi_ok) {
      deferred_ = nullptr;
      promise_ = nullptr;
    }
  }

  // Queues `worker` (taking ownership) and returns its promise; undefined,
  // with the work dropped, if no promise could be made.
  static Napi::Value Start(PromiseWorker* worker) {
    Napi::Env env = worker->env_;
    if (worker->promise_ == nullptr) {
      delete worker;
      return env.Undefined();
    }
    napi_value promise = worker->promise_;
    EnvTasks* tasks = Data(env).tasks;
    if (tasks == nullptr || !tasks->Submit(worker)) {
      worker->SetError("xnnlite could not start a worker thread");
      worker->Deliver(env);
      delete worker;
    }
    return Napi::Value(env, promise);
  }

 protected:
  // The work itself, on a pool thread. No napi values here.
  virtual void Run() = 0;
  // Called on the JS thread once Run() succeeded.
  virtual Napi::Value Result(Napi::Env env) = 0;
  // Called on the JS thread once Run() succeeded, before Finish: work that
  // must touch napi values (e.g. writing into JS buffers). Return false with
  // `error` set to reject instead.
  virtual bool Complete(Napi::Env, std::string* error) { return true; }
  // Called on the JS thread after success or failure, before the promise settles.
  virtual void Finish(Napi::Env) {}
  // Rejects with an Error carrying `code` (instead of the plain Error SetError gives).
  void FailWithCode(const std::string& message, const std::string& code) {
    code_ = code;
    SetError(message);
  }

  // A string property of the error the promise rejects with (e.g. which tensor a failure is about).
  void SetErrorField(const std::string& key, const std::string& value) { fields_.emplace_back(key, value); }

  void SetError(const std::string& message) {
    failed_ = true;
    message_ = message;
  }

  Napi::Env Env() const { return env_; }

  void Fail(const std::string& call, xnn_status status, const std::string& detail = "") {
    call_ = call;
    status_ = status;
    SetError(detail.empty() ? XnnFailureMessage(call, status) : detail);
  }

 private:
  void Execute() final {
    try {
      Run();
    } catch (const std::bad_alloc&) {
      SetError("out of memory");
    } catch (const std::exception& e) {
      SetError(e.what());
    } catch (...) {
      SetError("unknown native exception");
    }
  }

  void Deliver(napi_env raw_env) final {
    Napi::Env env(raw_env);
    Napi::HandleScope scope(env);
    try {
      if (failed_) {
        OnError(env);
      } else {
        OnOK(env);
      }
    } catch (const std::exception&) {
      // Out of memory while building the result: reject rather than let the exception reach Node's C frames.
      failed_ = true;
      message_ = "out of memory while delivering a result";
      call_.clear();
      code_.clear();
      FinishOnce(env);
      Settle(env, false, Napi::Error::New(env, message_).Value());
    }
  }

  void OnOK(Napi::Env env) {
    std::string error;
    if (!Complete(env, &error)) {
      FinishOnce(env);
      Settle(env, false, Napi::Error::New(env, error).Value());
      return;
    }
    FinishOnce(env);
    Settle(env, true, Result(env));
  }

  void OnError(Napi::Env env) {
    FinishOnce(env);
    if (!call_.empty()) {
      Settle(env, false, MakeXnnError(env, call_, status_).Value());
      return;
    }
    Napi::Error error = Napi::Error::New(env, message_);
    if (!code_.empty()) error.Set("code", Napi::String::New(env, code_));
    for (const auto& [key, value] : fields_) error.Set(key, Napi::String::New(env, value));
    Settle(env, false, error.Value());
  }

  void FinishOnce(Napi::Env env) {
    if (finished_) return;
    finished_ = true;
    Finish(env);
  }

  // Settling fails only while the environment is torn down; there is nobody to tell then.
  void Settle(Napi::Env env, bool ok, Napi::Value value) {
    if (deferred_ == nullptr) return;
    napi_value v = value.IsEmpty() ? env.Undefined() : value;
    if (ok) napi_resolve_deferred(env, deferred_, v);
    else napi_reject_deferred(env, deferred_, v);
    deferred_ = nullptr;
  }

  Napi::Env env_;
  bool failed_ = false;
  bool finished_ = false;
  std::string message_;
  napi_deferred deferred_ = nullptr;
  napi_value promise_ = nullptr;
  std::string call_;
  std::string code_;
  std::vector<std::pair<std::string, std::string>> fields_;
  xnn_status status_ = xnn_status_success;
};

}  // namespace xnnlite
