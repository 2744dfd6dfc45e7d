// CUMSUM along one axis (the input seen as [outer, depth, inner]), forward
// or reverse, inclusive or exclusive (each output leaves its own input out).
// Sums run in order along the axis in the input's type, as TFLite's do:
// floats rounded at each step, integers wrapping.
//
// cumsum  ints: element type (float32, int32 or int64), outer, depth, inner, exclusive (0/1), reverse (0/1)
//         operands: x -> y (same shape)
#include <algorithm>
#include <type_traits>
#include <vector>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 6, 0);
  if (!e.empty()) return e;
  const int64_t type = op.ints[0], outer = op.ints[1], depth = op.ints[2], inner = op.ints[3];
  if ((type != kF32 && type != kI32 && type != kI64) || !AllPositive({outer, depth, inner})) return "parameters";
  const int64_t count = Product({outer, depth, inner});
  return Holds(t, op.inputs[0], count, ElementBytes(type)) && Holds(t, op.outputs[0], count, ElementBytes(type)) ? "" : "operand sizes";
}

template <typename T>
T Add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

// One running sum per column of `inner`, advanced one row of the axis at a time.
template <typename T>
void CumSum(const Op& op, Tensors& t) {
  const int64_t outer = op.ints[1], depth = op.ints[2], inner = op.ints[3];
  const bool exclusive = op.ints[4] != 0, reverse = op.ints[5] != 0;
  const T* x = As<T>(t, op.inputs[0]);
  T* y = As<T>(t, op.outputs[0]);
  std::vector<T> sum(static_cast<size_t>(inner));
  for (int64_t o = 0; o < outer; o++) {
    std::fill(sum.begin(), sum.end(), T{});
    for (int64_t step = 0; step < depth; step++) {
      const int64_t d = reverse ? depth - 1 - step : step;
      const T* in = x + (o * depth + d) * inner;
      T* out = y + (o * depth + d) * inner;
      for (int64_t k = 0; k < inner; k++) {
        const T before = sum[k];
        sum[k] = Add(before, in[k]);
        out[k] = exclusive ? before : sum[k];
      }
    }
  }
}

void Run(const Op& op, Tensors& t) {
  switch (op.ints[0]) {
    case kF32: CumSum<float>(op, t); break;
    case kI32: CumSum<int32_t>(op, t); break;
    default: CumSum<int64_t>(op, t); break;
  }
}

}  // namespace

const Kernel kCumsum = {"cumsum", Check, Run};
const KernelRegistration kCumsumRegistered(kCumsum);

}  // namespace xnnlite::reference
