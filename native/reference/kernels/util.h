// Shared by the reference kernels: typed access to tensors, the size checks
// every kernel makes before it may run, and TFLite's rounding and clamping.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "../program.h"

namespace xnnlite::reference {

template <typename T>
inline T* As(Tensors& t, int32_t id) {
  return reinterpret_cast<T*>(t[id].data());
}

template <typename T>
inline const T* As(const Tensors& t, int32_t id) {
  return reinterpret_cast<const T*>(t[id].data());
}

// Checks that `op` has the expected operand counts, that each operand holds
// at least `elements[k] * size[k]` bytes, and enough integer/real parameters.
inline std::string Expect(const Op& op, const Tensors& t, size_t inputs, size_t outputs, size_t ints, size_t reals) {
  if (op.inputs.size() != inputs || op.outputs.size() != outputs) return "wrong number of operands";
  if (op.ints.size() < ints || op.reals.size() < reals) return "missing parameters";
  for (int32_t id : op.inputs) if (id < -1 || id >= static_cast<int32_t>(t.size())) return "operand out of range";
  for (int32_t id : op.outputs) if (id < 0 || id >= static_cast<int32_t>(t.size())) return "operand out of range";
  return "";
}

inline bool Holds(const Tensors& t, int32_t id, int64_t elements, size_t element_size) {
  return id >= 0 && elements >= 0 && t[id].bytes >= static_cast<uint64_t>(elements) * element_size;
}

inline bool AllPositive(std::initializer_list<int64_t> values) {
  for (int64_t v : values) if (v <= 0 || v > (int64_t{1} << 31)) return false;
  return true;
}

// Round half away from zero (what TFLite's fixed-point rounding does at ties, up to one step), then clamp.
inline int64_t Requantize(double real_over_scale, int64_t zero_point, int64_t lo, int64_t hi) {
  double q = std::round(real_over_scale) + static_cast<double>(zero_point);
  if (!(q >= static_cast<double>(lo))) return lo;  // also NaN
  if (q > static_cast<double>(hi)) return hi;
  return static_cast<int64_t>(q);
}

// Sum of (x[i] - x_zero_point) * w[i]: exact, in int32 blocks short enough
// not to overflow (|product| < 2^23 with a zero point; 128 of them < 2^30),
// which lets the compiler vectorize the inner loop.
inline int64_t DotS16S8(const int16_t* x, const int8_t* w, int64_t n, int64_t x_zero_point) {
  constexpr int64_t kBlock = 128;
  const int32_t zp = static_cast<int32_t>(x_zero_point);
  int64_t total = 0;
  for (int64_t start = 0; start < n; start += kBlock) {
    const int64_t end = start + kBlock < n ? start + kBlock : n;
    int32_t block = 0;
    for (int64_t i = start; i < end; i++) block += (static_cast<int32_t>(x[i]) - zp) * static_cast<int32_t>(w[i]);
    total += block;
  }
  return total;
}

}  // namespace xnnlite::reference
