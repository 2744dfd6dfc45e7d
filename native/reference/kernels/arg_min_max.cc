// ARG_MAX and ARG_MIN along one axis (the input seen as [outer, axis, inner]):
// the index of the largest (smallest) value, the first one at ties. As in
// TFLite, a NaN never wins and any number beats a NaN found first; a column
// of NaNs gives 0.
//
// arg_min_max  ints: element type (float32, int8, uint8, int32 or bool), output type (int32 or int64),
//                    1 for ARG_MAX or 0 for ARG_MIN, outer, axis size, inner
//              operands: x [outer, axis, inner] -> indices [outer, inner]
#include <cmath>
#include <type_traits>
#include <vector>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 6, 0);
  if (!e.empty()) return e;
  const int64_t type = op.ints[0], out = op.ints[1], outer = op.ints[3], axis = op.ints[4], inner = op.ints[5];
  if ((type != kF32 && type != kI8 && type != kU8 && type != kI32 && type != kBool) || (out != kI32 && out != kI64)) return "parameters";
  if (!AllPositive({outer, axis, inner})) return "parameters";
  if (!Holds(t, op.inputs[0], Product({outer, axis, inner}), ElementBytes(type)) || !Holds(t, op.outputs[0], Mul(outer, inner), ElementBytes(out))) {
    return "operand sizes";
  }
  return "";
}

template <bool kMax, typename T>
bool Wins(T candidate, T current) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(candidate)) return false;
    if (std::isnan(current)) return true;
  }
  return kMax ? candidate > current : candidate < current;
}

// Scans the axis one input row at a time, keeping the best value of every
// column, so that every loop runs over contiguous memory.
template <bool kMax, typename T, typename Out>
void Reduce(const Op& op, Tensors& t) {
  const int64_t outer = op.ints[3], axis = op.ints[4], inner = op.ints[5];
  const T* x = As<T>(t, op.inputs[0]);
  Out* y = As<Out>(t, op.outputs[0]);
  std::vector<T> best(static_cast<size_t>(inner));
  for (int64_t o = 0; o < outer; o++) {
    const T* block = x + o * axis * inner;
    Out* at = y + o * inner;
    for (int64_t k = 0; k < inner; k++) {
      best[k] = block[k];
      at[k] = 0;
    }
    for (int64_t i = 1; i < axis; i++) {
      const T* row = block + i * inner;
      for (int64_t k = 0; k < inner; k++) {
        if (Wins<kMax>(row[k], best[k])) {
          best[k] = row[k];
          at[k] = static_cast<Out>(i);
        }
      }
    }
  }
}

template <typename T, typename Out>
void Dispatch(const Op& op, Tensors& t) {
  if (op.ints[2] != 0) Reduce<true, T, Out>(op, t);
  else Reduce<false, T, Out>(op, t);
}

void Run(const Op& op, Tensors& t) {
  WithElementType(op.ints[0], [&](auto zero) {
    // bools are compared as their bytes (0 or 1), which a bool read of another byte value would not allow.
    using T = std::conditional_t<std::is_same_v<decltype(zero), bool>, uint8_t, decltype(zero)>;
    if (op.ints[1] == kI64) Dispatch<T, int64_t>(op, t);
    else Dispatch<T, int32_t>(op, t);
  });
}

}  // namespace

const Kernel kArgMinMax = {"arg_min_max", Check, Run};
const KernelRegistration kArgMinMaxRegistered(kArgMinMax);

}  // namespace xnnlite::reference
