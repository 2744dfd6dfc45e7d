// CAST between float32, int8, uint8, int16, int32, int64 and bool, as
// TFLite's builtin CAST converts: a C++ conversion of each value (float to
// integer truncates toward zero; anything nonzero becomes true), quantization
// parameters ignored.
//
// cast  ints: count, from (ElementType), to (ElementType)
#include <cmath>
#include <limits>
#include <type_traits>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string CheckCast(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 3, 0);
  if (!e.empty()) return e;
  const int64_t count = op.ints[0];
  if (count < 0 || !IsElementType(op.ints[1]) || !IsElementType(op.ints[2])) return "parameters";
  return Holds(t, op.inputs[0], count, ElementBytes(op.ints[1])) && Holds(t, op.outputs[0], count, ElementBytes(op.ints[2])) ? "" : "operand sizes";
}

// A float outside the target's range (or NaN) is undefined behaviour in C++;
// TFLite's static_cast gives whatever the CPU does. Saturating is defined and
// agrees with it for every value in range.
template <typename To, typename From>
To Convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From{};
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    if (std::isnan(v)) return To{};
    if (v <= static_cast<From>(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

void RunCast(const Op& op, Tensors& t) {
  const int64_t count = op.ints[0];
  WithElementType(op.ints[1], [&](auto from) {
    using From = decltype(from);
    const From* x = As<From>(t, op.inputs[0]);
    WithElementType(op.ints[2], [&](auto to) {
      using To = decltype(to);
      To* y = As<To>(t, op.outputs[0]);
      for (int64_t k = 0; k < count; k++) y[k] = Convert<To>(x[k]);
    });
  });
}

}  // namespace

const Kernel kCast = {"cast", CheckCast, RunCast};
const KernelRegistration kCastRegistered(kCast);

}  // namespace xnnlite::reference
