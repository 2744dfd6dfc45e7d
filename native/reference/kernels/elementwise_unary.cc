// Element-wise int16 operators computed on real values and requantized:
// LOGISTIC, TANH, and a requantize with an optional clamp of the real value
// (RELU, RELU6, RELU_N1_TO_1, and QUANTIZE between int16 scales).
//
// ints: count, input zero point, output zero point, output min, output max
// reals: input scale, output scale, then for requantize: real lower and upper bound
#include <cmath>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

template <size_t kReals>
std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 5, kReals);
  if (!e.empty()) return e;
  return op.ints[0] >= 0 && Holds(t, op.inputs[0], op.ints[0], 2) && Holds(t, op.outputs[0], op.ints[0], 2) ? "" : "operand sizes";
}

template <typename F>
void Map(const Op& op, Tensors& t, F f) {
  const int64_t count = op.ints[0], in_zp = op.ints[1], out_zp = op.ints[2], lo = op.ints[3], hi = op.ints[4];
  const double in_scale = op.reals[0], out_scale = op.reals[1];
  const int16_t* x = As<int16_t>(t, op.inputs[0]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  for (int64_t k = 0; k < count; k++) y[k] = static_cast<int16_t>(Requantize(f((x[k] - in_zp) * in_scale) / out_scale, out_zp, lo, hi));
}

}  // namespace

const Kernel kLogisticS16 = {"logistic_s16", Check<2>, [](const Op& op, Tensors& t) { Map(op, t, [](double r) { return 1 / (1 + std::exp(-r)); }); }};
const KernelRegistration kLogisticS16Registered(kLogisticS16);
const Kernel kTanhS16 = {"tanh_s16", Check<2>, [](const Op& op, Tensors& t) { Map(op, t, [](double r) { return std::tanh(r); }); }};
const KernelRegistration kTanhS16Registered(kTanhS16);
const Kernel kRequantizeS16 = {"requantize_s16", Check<4>, [](const Op& op, Tensors& t) {
  const double lo = op.reals[2], hi = op.reals[3];
  Map(op, t, [lo, hi](double r) { return r < lo ? lo : r > hi ? hi : r; });
}};
const KernelRegistration kRequantizeS16Registered(kRequantizeS16);

}  // namespace xnnlite::reference
