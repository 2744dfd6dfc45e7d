// ADD, SUB and MUL on int16 tensors with broadcasting: each operand read
// through its own strides (0 along broadcast dimensions), the result
// computed on real values and requantized to the output's scale.
//
// ints: op (0 add, 1 sub, 2 mul), rank R, output shape[R], a strides[R], b strides[R],
//       a zero point, b zero point, output zero point, output min, output max
// reals: a scale, b scale, output scale
#include <vector>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

int64_t Extent(const int64_t* shape, const int64_t* strides, int64_t rank) {
  int64_t last = 0;
  for (int64_t d = 0; d < rank; d++) {
    const int64_t step = Mul(shape[d] - 1, strides[d]);
    if (step < 0 || __builtin_add_overflow(last, step, &last)) return -1;
  }
  return last + 1;
}

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 2, 1, 2, 3);
  if (!e.empty()) return e;
  const int64_t rank = op.ints[1];
  if (op.ints[0] < 0 || op.ints[0] > 2 || rank < 1 || rank > 8 || static_cast<int64_t>(op.ints.size()) != 2 + 3 * rank + 5) return "bad parameters";
  const int64_t* shape = &op.ints[2];
  int64_t count = 1;
  for (int64_t d = 0; d < rank; d++) {
    if (shape[d] <= 0 || op.ints[2 + rank + d] < 0 || op.ints[2 + 2 * rank + d] < 0) return "bad shape";
    count = Mul(count, shape[d]);
  }
  if (!Holds(t, op.inputs[0], Extent(shape, &op.ints[2 + rank], rank), 2) || !Holds(t, op.inputs[1], Extent(shape, &op.ints[2 + 2 * rank], rank), 2) ||
      !Holds(t, op.outputs[0], count, 2)) return "operand sizes";
  return "";
}

void Run(const Op& op, Tensors& t) {
  const int64_t kind = op.ints[0], rank = op.ints[1];
  const int64_t* shape = &op.ints[2];
  const int64_t* sa = &op.ints[2 + rank];
  const int64_t* sb = &op.ints[2 + 2 * rank];
  const int64_t* q = &op.ints[2 + 3 * rank];
  const double scale_a = op.reals[0], scale_b = op.reals[1], scale_out = op.reals[2];
  const int16_t* a = As<int16_t>(t, op.inputs[0]);
  const int16_t* b = As<int16_t>(t, op.inputs[1]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  std::vector<int64_t> index(rank, 0);
  int64_t ia = 0, ib = 0, out = 0;
  while (true) {
    const double ra = (a[ia] - q[0]) * scale_a;
    const double rb = (b[ib] - q[1]) * scale_b;
    const double r = kind == 0 ? ra + rb : kind == 1 ? ra - rb : ra * rb;
    y[out++] = static_cast<int16_t>(Requantize(r / scale_out, q[2], q[3], q[4]));
    int64_t d = rank - 1;
    for (; d >= 0; d--) {
      ia += sa[d];
      ib += sb[d];
      if (++index[d] < shape[d]) break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      index[d] = 0;
    }
    if (d < 0) break;
  }
}

}  // namespace

const Kernel kBinaryS16 = {"binary_s16", Check, Run};
const KernelRegistration kBinaryS16Registered(kBinaryS16);

}  // namespace xnnlite::reference
