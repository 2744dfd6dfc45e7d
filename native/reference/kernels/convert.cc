// QUANTIZE float32 -> int16 and DEQUANTIZE int16 -> float32 at the edges of
// an int16 graph.
//
// quantize    ints: count, zero point, min, max   reals: scale
// dequantize  ints: count, zero point             reals: scale
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string CheckQuantize(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 4, 1);
  if (!e.empty()) return e;
  return op.ints[0] >= 0 && op.reals[0] > 0 && Holds(t, op.inputs[0], op.ints[0], 4) && Holds(t, op.outputs[0], op.ints[0], 2) ? "" : "operand sizes";
}

void RunQuantize(const Op& op, Tensors& t) {
  const float* x = As<float>(t, op.inputs[0]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  for (int64_t k = 0; k < op.ints[0]; k++) y[k] = static_cast<int16_t>(Requantize(x[k] / op.reals[0], op.ints[1], op.ints[2], op.ints[3]));
}

std::string CheckDequantize(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 2, 1);
  if (!e.empty()) return e;
  return op.ints[0] >= 0 && Holds(t, op.inputs[0], op.ints[0], 2) && Holds(t, op.outputs[0], op.ints[0], 4) ? "" : "operand sizes";
}

void RunDequantize(const Op& op, Tensors& t) {
  const int16_t* x = As<int16_t>(t, op.inputs[0]);
  float* y = As<float>(t, op.outputs[0]);
  for (int64_t k = 0; k < op.ints[0]; k++) y[k] = static_cast<float>((x[k] - op.ints[1]) * op.reals[0]);
}

}  // namespace

const Kernel kQuantizeF32S16 = {"quantize_f32_s16", CheckQuantize, RunQuantize};
const KernelRegistration kQuantizeF32S16Registered(kQuantizeF32S16);
const Kernel kDequantizeS16F32 = {"dequantize_s16_f32", CheckDequantize, RunDequantize};
const KernelRegistration kDequantizeS16F32Registered(kDequantizeS16F32);

}  // namespace xnnlite::reference
