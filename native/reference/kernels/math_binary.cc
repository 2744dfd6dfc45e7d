// Elementwise arithmetic with broadcasting, as TFLite's builtin kernels
// compute it on unquantized tensors: ADD, SUB, MUL, DIV (with a fused
// activation), MAXIMUM, MINIMUM, POW, SQUARED_DIFFERENCE, FLOOR_DIV and
// FLOOR_MOD on float32 and integer tensors.
//
// Integer arithmetic wraps (TFLite's overflows are undefined; two's
// complement wrapping is what its builds do). FLOOR_DIV divides in double
// and floors, as TFLite does, also for floats. Float ADD/SUB/MUL/DIV clamp
// only to a fused activation's range: a float division by zero gives an
// infinity, as TFLite's default XNNPACK delegate (and LiteRT.js) give it
// (TFLite's own kernel would clamp it to the largest finite float).
// A zero divisor of an integer DIV, FLOOR_DIV (any type) or
// FLOOR_MOD (integers), or a negative int32 POW exponent, fails the
// inference as TFLite fails it.
//
// broadcast_binary  ints: op, element type, activation, then the broadcast layout (broadcast.h)
//   op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum, 6 pow, 7 squared difference, 8 floor div, 9 floor mod
//   activation (ops 0-3): 0 none, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "broadcast.h"
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

enum BinaryOp : int64_t { kAdd, kSub, kMul, kDiv, kMaximum, kMinimum, kPow, kSquaredDifference, kFloorDiv, kFloorMod };

// The element types arithmetic takes (not bool).
template <typename F>
void WithArithmeticType(int64_t code, F&& f) {
  switch (code) {
    case kF32: f(float{}); break;
    case kI8: f(int8_t{}); break;
    case kU8: f(uint8_t{}); break;
    case kI16: f(int16_t{}); break;
    case kI32: f(int32_t{}); break;
    case kI64: f(int64_t{}); break;
    default: break;
  }
}

bool IsArithmeticType(int64_t code) { return code != kBool && IsElementType(code); }

// Two's complement wrapping, without signed overflow.
template <typename T>
T Wrap(uint64_t v) {
  return static_cast<T>(v);
}

template <typename T>
T FloorDiv(T a, T b) {
  const double q = std::floor(static_cast<double>(a) / static_cast<double>(b));
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(q);
  } else {
    // Only INT_MIN / -1 leaves the range.
    return q >= static_cast<double>(std::numeric_limits<T>::max()) ? std::numeric_limits<T>::max() : static_cast<T>(q);
  }
}

template <typename T>
T FloorMod(T a, T b) {
  T r;
  if constexpr (std::is_floating_point_v<T>) {
    r = std::fmod(a, b);
  } else {
    if (b == -1) return 0;  // a % -1 is 0; INT_MIN % -1 would trap
    r = static_cast<T>(a % b);
  }
  return r != 0 && ((b < 0) != (r < 0)) ? static_cast<T>(r + b) : r;
}

template <typename T>
T IntegerPow(T base, T exponent) {
  uint64_t result = 1, factor = static_cast<uint64_t>(base);
  for (auto e = static_cast<uint64_t>(exponent); e != 0; e >>= 1) {
    if (e & 1) result *= factor;
    factor *= factor;
  }
  return Wrap<T>(result);
}

template <typename T>
void ActivationRange(int64_t activation, T* lo, T* hi) {
  constexpr bool kFloat = std::is_floating_point_v<T>;
  *lo = kFloat ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
  *hi = kFloat ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
  if (activation == 1) *lo = 0;
  if (activation == 2) { *lo = -1; *hi = 1; }
  if (activation == 3) { *lo = 0; *hi = 6; }
}

template <typename T>
void Compute(const Op& op, Tensors& t, const BroadcastLayout& l) {
  const T* a = As<T>(t, op.inputs[0]);
  const T* b = As<T>(t, op.inputs[1]);
  T* y = As<T>(t, op.outputs[0]);
  T lo, hi;
  ActivationRange<T>(op.ints[2], &lo, &hi);
  auto each = [&](auto f) {
    ForEachBroadcastRow(l, [&](int64_t ia, int64_t ib, int64_t out, int64_t n, int64_t sa, int64_t sb) {
      BroadcastRow(a + ia, b + ib, y + out, n, sa, sb, f);
    });
  };
  auto clamped = [lo, hi](T v) { return v < lo ? lo : v > hi ? hi : v; };
  constexpr bool kFloat = std::is_floating_point_v<T>;
  switch (op.ints[0]) {
    case kAdd:
      if constexpr (kFloat) each([=](T x, T z) { return clamped(x + z); });
      else each([=](T x, T z) { return clamped(Wrap<T>(static_cast<uint64_t>(x) + static_cast<uint64_t>(z))); });
      break;
    case kSub:
      if constexpr (kFloat) each([=](T x, T z) { return clamped(x - z); });
      else each([=](T x, T z) { return clamped(Wrap<T>(static_cast<uint64_t>(x) - static_cast<uint64_t>(z))); });
      break;
    case kMul:
      if constexpr (kFloat) each([=](T x, T z) { return clamped(x * z); });
      else each([=](T x, T z) { return clamped(Wrap<T>(static_cast<uint64_t>(x) * static_cast<uint64_t>(z))); });
      break;
    case kDiv:
      if constexpr (kFloat) {
        each([=](T x, T z) { return clamped(x / z); });
      } else {
        // validate refused zero divisors; only MIN / -1 overflows, and wraps to MIN.
        each([=](T x, T z) { return clamped(z == -1 ? Wrap<T>(0 - static_cast<uint64_t>(x)) : static_cast<T>(x / z)); });
      }
      break;
    case kMaximum: each([](T x, T z) { return x > z ? x : z; }); break;
    case kMinimum: each([](T x, T z) { return x < z ? x : z; }); break;
    case kPow:
      if constexpr (kFloat) each([](T x, T z) { return std::pow(x, z); });
      else each([](T x, T z) { return IntegerPow(x, z); });
      break;
    case kSquaredDifference:
      if constexpr (kFloat) {
        each([](T x, T z) { return (x - z) * (x - z); });
      } else {
        each([](T x, T z) {
          const uint64_t d = static_cast<uint64_t>(x) - static_cast<uint64_t>(z);
          return Wrap<T>(static_cast<uint64_t>(static_cast<T>(d)) * static_cast<uint64_t>(static_cast<T>(d)));
        });
      }
      break;
    case kFloorDiv: each([](T x, T z) { return FloorDiv(x, z); }); break;
    case kFloorMod: each([](T x, T z) { return FloorMod(x, z); }); break;
    default: break;
  }
}

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 2, 1, 3, 0);
  if (!e.empty()) return e;
  if (op.ints[0] < kAdd || op.ints[0] > kFloorMod || !IsArithmeticType(op.ints[1]) || op.ints[2] < 0 || op.ints[2] > 3) return "bad parameters";
  BroadcastLayout l;
  size_t end = 0;
  const size_t size = ElementBytes(op.ints[1]);
  e = ReadBroadcastLayout(op, t, 3, &l, &end, size, size, size);
  if (!e.empty()) return e;
  return end == op.ints.size() ? "" : "bad parameters";
}

void Run(const Op& op, Tensors& t) {
  BroadcastLayout l;
  size_t end = 0;
  const size_t size = ElementBytes(op.ints[1]);
  ReadBroadcastLayout(op, t, 3, &l, &end, size, size, size);
  WithArithmeticType(op.ints[1], [&](auto type) { Compute<decltype(type)>(op, t, l); });
}

// TFLite checks every element of the divisor (or exponent) tensor, broadcast or not.
void Validate(const Op& op, const Tensors& t) {
  const int64_t kind = op.ints[0];
  WithArithmeticType(op.ints[1], [&](auto type) {
    using T = decltype(type);
    constexpr bool kFloat = std::is_floating_point_v<T>;
    const bool zero_divisor = kind == kFloorDiv || (!kFloat && (kind == kDiv || kind == kFloorMod));
    const bool negative_exponent = !kFloat && kind == kPow;
    if (!zero_divisor && !negative_exponent) return;
    BroadcastLayout l;
    size_t end = 0;
    ReadBroadcastLayout(op, t, 3, &l, &end, sizeof(T), sizeof(T), sizeof(T));
    const int64_t n = BroadcastExtent(l.shape, l.b_strides, l.rank);
    const T* b = As<T>(t, op.inputs[1]);
    for (int64_t k = 0; k < n; k++) {
      if (zero_divisor && b[k] == 0) throw KernelError("division by zero (element " + std::to_string(k) + " of input 1)");
      if (negative_exponent && b[k] < 0) {
        throw KernelError("negative exponent " + std::to_string(static_cast<int64_t>(b[k])) + " (element " + std::to_string(k) + " of input 1) of an integer POW");
      }
    }
  });
}

}  // namespace

const Kernel kBroadcastBinary = {"broadcast_binary", Check, Run, nullptr, nullptr, Validate};
const KernelRegistration kBroadcastBinaryRegistered(kBroadcastBinary);

}  // namespace xnnlite::reference
