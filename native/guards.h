// One-line guards for the checks every wrapped method makes first. User input
// is validated in TypeScript; these are the backstop that keeps a misuse of
// the binding from ever reaching XNNPACK.
#pragma once

#include <napi.h>

#include <memory>
#include <string>

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

#define XNNLITE_REQUIRE_OPEN(env, cond, what)    \
  do {                                           \
    if (!(cond)) {                               \
      ::xnnlite::ThrowDisposed((env), (what));   \
      return (env).Undefined();                  \
    }                                            \
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

// Throws ERR_XNNLITE_DISPOSED: "<what> has been disposed". Returns false, for `return open || ThrowDisposed(...)`.
inline bool ThrowDisposed(Napi::Env env, const std::string& what) {
  Napi::Error e = Napi::Error::New(env, what + " has been disposed");
  e.Set("code", Napi::String::New(env, "ERR_XNNLITE_DISPOSED"));
  e.ThrowAsJavaScriptException();
  return false;
}

// Marks `info.This()` (in a constructor) as an instance of the class `tag` names.
inline void TagReceiver(const Napi::CallbackInfo& info, const napi_type_tag& tag) {
  napi_type_tag_object(info.Env(), info.This(), &tag);
}

// V8 checks the receiver of methods defined with DefineClass, but not of its
// accessors: a getter applied to another class's object would unwrap the
// wrong C++ type. Getters are therefore defined here, checking the receiver's
// type tag before unwrapping it.
template <typename T, Napi::Value (T::*Getter)(const Napi::CallbackInfo&)>
Napi::Value CheckedGetterCallback(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto* tag = static_cast<const napi_type_tag*>(info.Data());
  bool tagged = false;
  if (!info.This().IsObject() || napi_check_object_type_tag(env, info.This(), tag, &tagged) != napi_ok || !tagged) {
    Napi::TypeError::New(env, "Illegal invocation").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  T* self = T::Unwrap(info.This().As<Napi::Object>());
  if (self == nullptr) return env.Undefined();
  return (self->*Getter)(info);
}

template <typename T, Napi::Value (T::*Getter)(const Napi::CallbackInfo&)>
void DefineCheckedGetter(Napi::Function ctor, const char* name, const napi_type_tag& tag) {
  Napi::Object prototype = ctor.Get("prototype").As<Napi::Object>();
  prototype.DefineProperty(Napi::PropertyDescriptor::Accessor<CheckedGetterCallback<T, Getter>>(
      name, napi_configurable, const_cast<napi_type_tag*>(&tag)));
}

// Native objects handed to a constructor from native code only: an External
// carrying a type tag, so that JS cannot pass some other External instead.
template <typename T>
struct HandOffBox {
  std::unique_ptr<T> value;
};

template <typename T>
Napi::Value HandOff(Napi::Env env, std::unique_ptr<T> value, const napi_type_tag& tag) {
  auto* box = new HandOffBox<T>{std::move(value)};
  Napi::External<HandOffBox<T>> external =
      Napi::External<HandOffBox<T>>::New(env, box, [](Napi::Env, HandOffBox<T>* b) { delete b; });
  napi_type_tag_object(env, external, &tag);
  return external;
}

// The value handed off in argument 0, or null if there is none (or it was already taken).
template <typename T>
std::unique_ptr<T> TakeHandOff(const Napi::CallbackInfo& info, const napi_type_tag& tag) {
  if (info.Length() < 1 || !info[0].IsExternal()) return nullptr;
  bool tagged = false;
  if (napi_check_object_type_tag(info.Env(), info[0], &tag, &tagged) != napi_ok || !tagged) return nullptr;
  return std::move(info[0].As<Napi::External<HandOffBox<T>>>().Data()->value);
}

// The most threads a runtime may ask for (lib allows 64); more is a caller's mistake, not a pool to create.
constexpr uint32_t kMaxThreads = 1024;

// Throws ERR_XNNLITE_BUSY (an asynchronous inference is still running); returns false for `return !busy || ThrowBusy(env)`.
inline bool ThrowBusy(Napi::Env env) {
  Napi::Error e = Napi::Error::New(env, "Runtime is busy: an asynchronous inference is still running");
  e.Set("code", Napi::String::New(env, "ERR_XNNLITE_BUSY"));
  e.ThrowAsJavaScriptException();
  return false;
}

}  // namespace xnnlite
