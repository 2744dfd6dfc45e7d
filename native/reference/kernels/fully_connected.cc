// FULLY_CONNECTED on int16 activations with int8 weights (TFLite's int16x8 scheme).
//
// ints: batches, input depth, output depth, input zero point, output zero point,
//       output min, output max, bias element size (0: none)
// reals: output-depth multipliers (input scale x weight scale / output scale)
// operands: x (int16 [batches, input depth]), weights (int8 [out, in]), bias or -1 -> y (int16)
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 3, 1, 8, 0);
  if (!e.empty()) return e;
  const auto& i = op.ints;
  if (!AllPositive({i[0], i[1], i[2]})) return "bad sizes";
  if (static_cast<int64_t>(op.reals.size()) != i[2]) return "one multiplier per output expected";
  if (i[7] != 0 && i[7] != 4 && i[7] != 8) return "bias element size";
  if (!Holds(t, op.inputs[0], Mul(i[0], i[1]), 2) || !Holds(t, op.inputs[1], Mul(i[1], i[2]), 1) || !Holds(t, op.outputs[0], Mul(i[0], i[2]), 2)) {
    return "operand sizes";
  }
  if (i[7] != 0 && !Holds(t, op.inputs[2], i[2], i[7])) return "bias size";
  return "";
}

void Run(const Op& op, Tensors& t) {
  const int64_t batches = op.ints[0], in = op.ints[1], out = op.ints[2], in_zp = op.ints[3], out_zp = op.ints[4];
  const int64_t lo = op.ints[5], hi = op.ints[6], bias_size = op.ints[7];
  const int16_t* x = As<int16_t>(t, op.inputs[0]);
  const int8_t* w = As<int8_t>(t, op.inputs[1]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  for (int64_t b = 0; b < batches; b++) {
    for (int64_t o = 0; o < out; o++) {
      const int64_t acc = Bias(t, op.inputs[2], bias_size, o) + DotS16S8(x + b * in, w + o * in, in, in_zp);
      y[b * out + o] = static_cast<int16_t>(Requantize(static_cast<double>(acc) * op.reals[o], out_zp, lo, hi));
    }
  }
}

}  // namespace

const Kernel kFullyConnectedS16 = {"fully_connected_s16", Check, Run};
const KernelRegistration kFullyConnectedS16Registered(kFullyConnectedS16);

}  // namespace xnnlite::reference
