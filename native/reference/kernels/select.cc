// SELECT and SELECT_V2: output = condition ? x : y, element by element, each
// operand read through its own strides (0 along a dimension it is broadcast
// over), so one kernel covers equal shapes, SELECT's scalar or rank-1
// condition and SELECT_V2's broadcasting. Only bytes are moved.
//
// select  ints: element bytes, rank R (1 to 8), output shape[R], condition strides[R], x strides[R], y strides[R]
//         operands: condition (bool), x, y -> output
#include <cstring>

#include "indices.h"
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

constexpr int64_t kMaxRank = 8;

// One past the furthest element an operand with these strides reads, or -1.
int64_t Extent(const int64_t* shape, const int64_t* strides, int64_t rank) {
  int64_t furthest = 0;
  for (int64_t d = 0; d < rank; d++) {
    const int64_t step = Mul(shape[d] - 1, strides[d]);
    if (step < 0 || __builtin_add_overflow(furthest, step, &furthest)) return -1;
  }
  return furthest + 1;
}

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 3, 1, 2, 0);
  if (!e.empty()) return e;
  const int64_t element = op.ints[0], rank = op.ints[1];
  if (!IsElementBytes(element) || rank < 1 || rank > kMaxRank || static_cast<int64_t>(op.ints.size()) != 2 + 4 * rank) return "parameters";
  const int64_t* shape = &op.ints[2];
  int64_t count = 1;
  for (int64_t d = 0; d < rank; d++) {
    if (!AllPositive({shape[d]})) return "parameters";
    count = Mul(count, shape[d]);
  }
  const int64_t condition = Extent(shape, shape + rank, rank), x = Extent(shape, shape + 2 * rank, rank), y = Extent(shape, shape + 3 * rank, rank);
  if (condition < 0 || x < 0 || y < 0) return "parameters";
  if (!Holds(t, op.inputs[0], condition, 1) || !Holds(t, op.inputs[1], Mul(x, element), 1) || !Holds(t, op.inputs[2], Mul(y, element), 1) ||
      !Holds(t, op.outputs[0], Mul(count, element), 1)) return "operand sizes";
  return "";
}

template <typename Bits>
void Select(const Op& op, Tensors& t) {
  const int64_t rank = op.ints[1];
  const int64_t* shape = &op.ints[2];
  const int64_t* c_stride = shape + rank;
  const int64_t* x_stride = shape + 2 * rank;
  const int64_t* y_stride = shape + 3 * rank;
  const uint8_t* condition = t[op.inputs[0]].data();
  const Bits* x = As<Bits>(t, op.inputs[1]);
  const Bits* y = As<Bits>(t, op.inputs[2]);
  Bits* out = As<Bits>(t, op.outputs[0]);
  const int64_t last = rank - 1, width = shape[last];
  const int64_t cs = c_stride[last], xs = x_stride[last], ys = y_stride[last];
  int64_t position[kMaxRank] = {};
  int64_t rows = 1;
  for (int64_t d = 0; d < last; d++) rows *= shape[d];
  for (int64_t r = 0; r < rows; r++) {
    int64_t c0 = 0, x0 = 0, y0 = 0;
    for (int64_t d = 0; d < last; d++) {
      c0 += position[d] * c_stride[d];
      x0 += position[d] * x_stride[d];
      y0 += position[d] * y_stride[d];
    }
    for (int64_t k = 0; k < width; k++) out[k] = condition[c0 + k * cs] != 0 ? x[x0 + k * xs] : y[y0 + k * ys];
    out += width;
    for (int64_t d = last - 1; d >= 0 && ++position[d] == shape[d]; d--) position[d] = 0;
  }
}

void Run(const Op& op, Tensors& t) {
  switch (op.ints[0]) {
    case 1: Select<uint8_t>(op, t); break;
    case 2: Select<uint16_t>(op, t); break;
    case 4: Select<uint32_t>(op, t); break;
    default: Select<uint64_t>(op, t); break;
  }
}

}  // namespace

const Kernel kSelect = {"select", Check, Run};
const KernelRegistration kSelectRegistered(kSelect);

}  // namespace xnnlite::reference
