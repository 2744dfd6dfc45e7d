// One-line guards for the checks every wrapped method makes first. User input
// is validated in TypeScript; these are the backstop that keeps a misuse of
// the binding from ever reaching XNNPACK.
#pragma once

#include <napi.h>

#define XNNLITE_THROW_TYPE(env, msg)                                   \
  do {                                                                 \
    Napi::TypeError::New((env), (msg)).ThrowAsJavaScriptException();  \
    return;                                                            \
  } while (0)

#define XNNLITE_THROW_TYPE_VALUE(env, msg)                             \
  do {                                                                 \
    Napi::TypeError::New((env), (msg)).ThrowAsJavaScriptException();  \
    return (env).Undefined();                                          \
  } while (0)

#define XNNLITE_REQUIRE(env, cond, msg) \
  do {                                  \
    if (!(cond)) XNNLITE_THROW_TYPE_VALUE(env, msg); \
  } while (0)

#define XNNLITE_REQUIRE_OPEN(env, cond, what)                                               \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      Napi::Error e = Napi::Error::New((env), std::string(what) + " has been disposed");   \
      e.Set("code", Napi::String::New((env), "ERR_XNNLITE_DISPOSED"));                      \
      e.ThrowAsJavaScriptException();                                                       \
      return (env).Undefined();                                                             \
    }                                                                                       \
  } while (0)

#define XNNLITE_CALL(env, call_name, expr)                                    \
  do {                                                                        \
    xnn_status xnnlite_status_ = (expr);                                      \
    if (xnnlite_status_ != xnn_status_success) {                              \
      ::xnnlite::MakeXnnError((env), (call_name), xnnlite_status_).ThrowAsJavaScriptException(); \
      return (env).Undefined();                                               \
    }                                                                         \
  } while (0)

namespace xnnlite {

// Throws ERR_XNNLITE_BUSY (an asynchronous inference is still running); returns false for `return !busy || ThrowBusy(env)`.
inline bool ThrowBusy(Napi::Env env) {
  Napi::Error e = Napi::Error::New(env, "Runtime is busy: an asynchronous inference is still running");
  e.Set("code", Napi::String::New(env, "ERR_XNNLITE_BUSY"));
  e.ThrowAsJavaScriptException();
  return false;
}

}  // namespace xnnlite
