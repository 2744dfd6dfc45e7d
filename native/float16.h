// IEEE half precision to float32, for TFLite's FP16 weights: F16C where the
// CPU has it, exact scalar code otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xnnlite {

void ConvertFp16ToFp32(const uint16_t* src, float* dst, size_t n);

}  // namespace xnnlite
