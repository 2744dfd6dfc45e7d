// XNNPACK's enum values and flags, exported so that TypeScript never
// hard-codes a number that the header defines.
#pragma once

#include <napi.h>

namespace xnnlite {

Napi::Object Constants(Napi::Env env);

}  // namespace xnnlite
