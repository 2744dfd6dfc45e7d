// How XNNPACK failures reach JavaScript: an instance of the error class that
// lib/errors.ts defines, carrying the failing call and the xnn_status.
#pragma once

#include <napi.h>
#include <xnnpack.h>

#include <string>

namespace xnnlite {

const char* StatusName(xnn_status status);

// Message shared by sync and async paths: "<call> failed: <status name>".
std::string XnnFailureMessage(const std::string& call, xnn_status status);

Napi::Error MakeXnnError(Napi::Env env, const std::string& call, xnn_status status,
                         const std::string& detail = "");

// Throws (as a JS exception) if XNNPACK could not be initialized on this CPU.
bool EnsureInitialized(Napi::Env env);

}  // namespace xnnlite
