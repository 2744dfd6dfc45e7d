// Shared by the reference kernels: typed access to tensors, the size checks
// every kernel makes before it may run, and TFLite's rounding and clamping.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "../program.h"

namespace xnnlite::reference {

// Element types of kernels that take several dtypes, numbered as lib/reference/element-type.ts numbers them.
enum ElementType : int64_t { kF32 = 0, kI8 = 1, kU8 = 2, kI16 = 3, kI32 = 4, kI64 = 5, kBool = 6 };

inline bool IsElementType(int64_t code) { return code >= kF32 && code <= kBool; }

inline size_t ElementBytes(int64_t code) {
  switch (code) {
    case kF32: case kI32: return 4;
    case kI16: return 2;
    case kI64: return 8;
    default: return 1;
  }
}

// Calls f(T{}) with the C++ type of element type `code` (bool is stored as one byte, 0 or 1).
template <typename F>
inline void WithElementType(int64_t code, F&& f) {
  switch (code) {
    case kF32: f(float{}); break;
    case kI8: f(int8_t{}); break;
    case kU8: f(uint8_t{}); break;
    case kI16: f(int16_t{}); break;
    case kI32: f(int32_t{}); break;
    case kI64: f(int64_t{}); break;
    case kBool: f(bool{}); break;
    default: break;
  }
}

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

// Sizes come from the program, which a direct caller of the binding may have
// written: they are multiplied with overflow checks. -1 means "not a size",
// which Holds refuses.
inline int64_t Mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r)) return -1;
  return r;
}

inline int64_t Product(std::initializer_list<int64_t> factors) {
  int64_t r = 1;
  for (int64_t f : factors) r = Mul(r, f);
  return r;
}

inline bool Holds(const Tensors& t, int32_t id, int64_t elements, size_t element_size) {
  uint64_t bytes = 0;
  if (id < 0 || elements < 0 || __builtin_mul_overflow(static_cast<uint64_t>(elements), element_size, &bytes)) return false;
  return t[id].bytes >= bytes;
}

inline bool AllPositive(std::initializer_list<int64_t> values) {
  for (int64_t v : values) if (v <= 0 || v > (int64_t{1} << 31)) return false;
  return true;
}

// TFLite's int16x8 kernels accumulate in 48 bits: a bias outside that range
// is refused when the model is lowered; clamping here keeps a bias that got
// through anyway (a direct caller of the binding) from overflowing int64.
constexpr int64_t kAccumulatorLimit = int64_t{1} << 47;

// Bias of output channel `c` (0 without one), as int64, within the accumulator's range.
inline int64_t Bias(const Tensors& t, int32_t id, int64_t element_size, int64_t c) {
  if (id < 0 || element_size == 0) return 0;
  const int64_t value = element_size == 8 ? As<int64_t>(t, id)[c] : As<int32_t>(t, id)[c];
  return value < -kAccumulatorLimit ? -kAccumulatorLimit : value > kAccumulatorLimit ? kAccumulatorLimit : value;
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
