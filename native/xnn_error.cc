#include "xnn_error.h"

#include "addon_data.h"

namespace xnnlite {

const char* StatusName(xnn_status status) {
  switch (status) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "uninitialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
    case xnn_status_reallocation_required: return "reallocation required";
    case xnn_status_deprecated: return "deprecated";
  }
  return "unknown status";
}

std::string XnnFailureMessage(const std::string& call, xnn_status status) {
  return call + " failed: " + StatusName(status) + " (xnn_status " + std::to_string(static_cast<int>(status)) + ")";
}

Napi::Error MakeXnnError(Napi::Env env, const std::string& call, xnn_status status, const std::string& detail) {
  std::string message = XnnFailureMessage(call, status);
  if (!detail.empty()) message += ": " + detail;
  AddonData& data = Data(env);
  if (data.xnnpack_error_class.IsEmpty()) {
    Napi::Error error = Napi::Error::New(env, message);
    error.Set("code", Napi::String::New(env, "ERR_XNNPACK"));
    return error;
  }
  Napi::Object error = data.xnnpack_error_class.New(
      {Napi::String::New(env, message), Napi::String::New(env, call), Napi::Number::New(env, status),
       Napi::String::New(env, StatusName(status))});
  return Napi::Error(env, error);
}

bool EnsureInitialized(Napi::Env env) {
  xnn_status status = Data(env).init_status;
  if (status == xnn_status_success) return true;
  MakeXnnError(env, "xnn_initialize", status,
               status == xnn_status_unsupported_hardware
                   ? "this CPU lacks the instructions XNNPACK requires (x86-64 needs SSE2; Arm needs NEON)"
                   : "")
      .ThrowAsJavaScriptException();
  return false;
}

}  // namespace xnnlite
