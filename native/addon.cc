// Registers the addon's functions and classes; nothing else lives here.
#include <napi.h>
#include <xnnpack.h>

#include "addon_data.h"
#include "constants.h"
#include "mapped_file.h"
#include "platform.h"
#include "runtime.h"
#include "subgraph.h"

namespace xnnlite {
namespace {

// setErrorClass(XnnpackError): the JS class used for every XNNPACK failure.
Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "setErrorClass(ctor): expected a constructor").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Data(env).xnnpack_error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  // xnn_initialize is idempotent and thread-safe; each environment records its result.
  data->init_status = xnn_initialize(nullptr);
  env.SetInstanceData(data);

  Napi::Function subgraph = Subgraph::Define(env);
  Napi::Function runtime = Runtime::Define(env);
  data->subgraph_class = Napi::Persistent(subgraph);
  data->runtime_class = Napi::Persistent(runtime);

  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  exports.Set("constants", Constants(env));
  exports.Set("Subgraph", subgraph);
  exports.Set("Runtime", runtime);
  exports.Set("MappedFile", MappedFile::Define(env));
  return exports;
}

}  // namespace
}  // namespace xnnlite

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return xnnlite::Init(env, exports); }

NODE_API_MODULE(xnnlite, InitAddon)
