// Elementwise unary operators XNNPACK has no kernel for, as TFLite computes
// them: ABS, NEG and SIGN of integers (and float32), SQUARE of float32,
// LOGICAL_NOT, and GELU in both of TFLite's forms (exact, through erfc as
// TFLite writes it, and the tanh approximation). Integer ABS and NEG wrap:
// the most negative value stays itself.
//
// math_unary  ints: op, element type, count
//   op: 0 abs, 1 neg, 2 sign, 3 square, 4 logical not, 5 gelu (exact), 6 gelu (tanh approximation)
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

enum UnaryOp : int64_t { kAbs, kNeg, kSign, kSquare, kLogicalNot, kGelu, kGeluTanh };

template <typename T>
T Negate(T x) {
  if constexpr (std::is_floating_point_v<T>) return -x;
  else return static_cast<T>(0 - static_cast<uint64_t>(x));
}

template <typename T, typename F>
void Map(const Op& op, Tensors& t, F f) {
  const T* x = As<T>(t, op.inputs[0]);
  T* y = As<T>(t, op.outputs[0]);
  for (int64_t k = 0, n = op.ints[2]; k < n; k++) y[k] = f(x[k]);
}

template <typename T>
void Compute(const Op& op, Tensors& t) {
  switch (op.ints[0]) {
    case kAbs: Map<T>(op, t, [](T x) { return x < 0 ? Negate(x) : x; }); break;
    case kNeg: Map<T>(op, t, [](T x) { return Negate(x); }); break;
    case kSign: Map<T>(op, t, [](T x) { return static_cast<T>(x < 0 ? -1 : x > 0 ? 1 : 0); }); break;
    default:
      if constexpr (std::is_same_v<T, float>) {
        if (op.ints[0] == kSquare) {
          Map<T>(op, t, [](float x) { return x * x; });
        } else if (op.ints[0] == kGelu) {
          // erfc avoids the cancellation of 1 + erf(x / sqrt 2) for large negative x.
          Map<T>(op, t, [](float x) { return 0.5f * x * std::erfc(x * static_cast<float>(-M_SQRT1_2)); });
        } else if (op.ints[0] == kGeluTanh) {
          constexpr float kSqrt2OverPi = static_cast<float>(M_2_SQRTPI * M_SQRT1_2);
          Map<T>(op, t, [](float x) { return 0.5f * x * (1.f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x))); });
        }
      }
      break;
  }
}

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 3, 0);
  if (!e.empty()) return e;
  const int64_t kind = op.ints[0], type = op.ints[1], count = op.ints[2];
  if (count < 0) return "bad count";
  const bool ok = kind == kLogicalNot ? type == kBool
                  : kind == kAbs || kind == kNeg || kind == kSign ? type == kF32 || type == kI8 || type == kI16 || type == kI32 || type == kI64
                  : kind == kSquare || kind == kGelu || kind == kGeluTanh ? type == kF32
                  : false;
  if (!ok) return "bad parameters";
  return Holds(t, op.inputs[0], count, ElementBytes(type)) && Holds(t, op.outputs[0], count, ElementBytes(type)) ? "" : "operand sizes";
}

void Run(const Op& op, Tensors& t) {
  switch (op.ints[1]) {
    case kF32: Compute<float>(op, t); break;
    case kI8: Compute<int8_t>(op, t); break;
    case kI16: Compute<int16_t>(op, t); break;
    case kI32: Compute<int32_t>(op, t); break;
    case kI64: Compute<int64_t>(op, t); break;
    default: Map<uint8_t>(op, t, [](uint8_t x) { return static_cast<uint8_t>(x == 0); }); break;  // bool
  }
}

}  // namespace

const Kernel kMathUnary = {"math_unary", Check, Run};
const KernelRegistration kMathUnaryRegistered(kMathUnary);

}  // namespace xnnlite::reference
