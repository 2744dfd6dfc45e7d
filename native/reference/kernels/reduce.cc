// Reductions on int16, requantized to the output's scale.
//
// MEAN over a block of contiguous axes (the tensor seen as [outer, reduced, inner]):
//   ints: outer, reduced, inner, input zero point, output zero point, output min, output max
//   reals: input scale / output scale
// SOFTMAX over the last dimension (the tensor seen as [outer, depth]):
//   ints: outer, depth, output zero point, output min, output max
//   reals: input scale x beta, output scale (the input's zero point cancels in differences)
#include <algorithm>
#include <cmath>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 7, 1);
  if (!e.empty()) return e;
  const auto& i = op.ints;
  if (!AllPositive({i[0], i[1], i[2]})) return "bad sizes";
  if (!Holds(t, op.inputs[0], Product({i[0], i[1], i[2]}), 2) || !Holds(t, op.outputs[0], Mul(i[0], i[2]), 2)) return "operand sizes";
  return "";
}

void Run(const Op& op, Tensors& t) {
  const int64_t outer = op.ints[0], reduced = op.ints[1], inner = op.ints[2], in_zp = op.ints[3], out_zp = op.ints[4];
  const int16_t* x = As<int16_t>(t, op.inputs[0]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t k = 0; k < inner; k++) {
      int64_t sum = 0;
      for (int64_t r = 0; r < reduced; r++) sum += x[(o * reduced + r) * inner + k] - in_zp;
      const double mean = static_cast<double>(sum) / static_cast<double>(reduced);
      y[o * inner + k] = static_cast<int16_t>(Requantize(mean * op.reals[0], out_zp, op.ints[5], op.ints[6]));
    }
  }
}

std::string CheckSoftmax(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 5, 2);
  if (!e.empty()) return e;
  const auto& i = op.ints;
  if (!AllPositive({i[0], i[1]}) || !(op.reals[1] > 0)) return "bad sizes";
  if (!Holds(t, op.inputs[0], Mul(i[0], i[1]), 2) || !Holds(t, op.outputs[0], Mul(i[0], i[1]), 2)) return "operand sizes";
  return "";
}

void RunSoftmax(const Op& op, Tensors& t) {
  const int64_t outer = op.ints[0], depth = op.ints[1], out_zp = op.ints[2];
  const double scale = op.reals[0], out_scale = op.reals[1];
  const int16_t* x = As<int16_t>(t, op.inputs[0]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  for (int64_t o = 0; o < outer; o++) {
    const int16_t* row = x + o * depth;
    int64_t peak = row[0];
    for (int64_t k = 1; k < depth; k++) peak = std::max<int64_t>(peak, row[k]);
    double sum = 0;
    for (int64_t k = 0; k < depth; k++) sum += std::exp((row[k] - peak) * scale);
    for (int64_t k = 0; k < depth; k++) {
      const double p = std::exp((row[k] - peak) * scale) / sum;
      y[o * depth + k] = static_cast<int16_t>(Requantize(p / out_scale, out_zp, op.ints[3], op.ints[4]));
    }
  }
}

}  // namespace

const Kernel kMeanS16 = {"mean_s16", Check, Run};
const KernelRegistration kMeanS16Registered(kMeanS16);
const Kernel kSoftmaxS16 = {"softmax_s16", CheckSoftmax, RunSoftmax};
const KernelRegistration kSoftmaxS16Registered(kSoftmaxS16);

}  // namespace xnnlite::reference
