// Base for every asynchronous operation: runs Run() on the libuv pool,
// settles a Promise on the JS thread. Run() must not touch napi values and
// any C++ exception it throws becomes a rejection, never a crash;
// it reports XNNPACK failures through Fail(call, status) so that the promise
// rejects with an XnnpackError naming the failing call.
//
// When the environment is being torn down (worker.terminate() while the work
// ran), no JS can run: the promise is left unsettled, which
// NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS (set for the whole addon) lets
// node-addon-api accept instead of aborting the process.
#pragma once

#include <napi.h>
#include <xnnpack.h>

#include <exception>
#include <new>
#include <string>

#include "xnn_error.h"

namespace xnnlite {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env, const char* resource_name)
      : Napi::AsyncWorker(env, resource_name), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  // The work itself, on a libuv pool thread. No napi values here.
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

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    std::string error;
    if (!Complete(env, &error)) {
      Finish(env);
      deferred_.Reject(Napi::Error::New(env, error).Value());
      return;
    }
    Finish(env);
    deferred_.Resolve(Result(env));
  }

  void OnError(const Napi::Error& error) override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Finish(env);
    if (!call_.empty()) {
      deferred_.Reject(MakeXnnError(env, call_, status_).Value());
    } else if (!code_.empty()) {
      Napi::Error coded = Napi::Error::New(env, error.Message());
      coded.Set("code", Napi::String::New(env, code_));
      deferred_.Reject(coded.Value());
    } else {
      deferred_.Reject(error.Value());
    }
  }

  Napi::Promise::Deferred deferred_;
  std::string call_;
  std::string code_;
  xnn_status status_ = xnn_status_success;
};

}  // namespace xnnlite
