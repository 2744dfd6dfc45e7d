// What XNNPACK is and what it chose for this CPU.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace xnnlite {

// Names of the instruction-set extensions XNNPACK detected and will use.
std::vector<std::string> DetectedIsa();
// XNNPACK's bitmask of those extensions (0 when it could not initialize).
uint64_t ArchFlags();

// version(): { xnnpack, buildIdentifier, arch, isa, archFlags, initialized, compiler }
Napi::Value Version(const Napi::CallbackInfo& info);

}  // namespace xnnlite
