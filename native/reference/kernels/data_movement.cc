// Operators that only move elements, for any element size: a copy
// (RESHAPE, SQUEEZE, EXPAND_DIMS), PAD (filling with the zero point) and
// CONCATENATION (inputs already share the output's quantization).
//
// copy     ints: bytes
// pad      ints: element size, rank R, input shape[R], padding before[R], output shape[R], fill value
// concat   ints: element size, outer, inner, K, K axis sizes
#include <cstring>
#include <vector>

#include "kernels.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string CheckCopy(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 1, 0);
  if (!e.empty()) return e;
  return Holds(t, op.inputs[0], op.ints[0], 1) && Holds(t, op.outputs[0], op.ints[0], 1) ? "" : "operand sizes";
}

void RunCopy(const Op& op, Tensors& t) {
  if (op.inputs[0] != op.outputs[0]) std::memcpy(t[op.outputs[0]].data(), t[op.inputs[0]].data(), op.ints[0]);
}

std::string CheckPad(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 2, 0);
  if (!e.empty()) return e;
  const int64_t size = op.ints[0], rank = op.ints[1];
  if ((size != 1 && size != 2 && size != 4) || rank < 1 || rank > 8 || static_cast<int64_t>(op.ints.size()) != 3 + 3 * rank) return "bad parameters";
  int64_t in = 1, out = 1;
  for (int64_t d = 0; d < rank; d++) {
    const int64_t s = op.ints[2 + d], before = op.ints[2 + rank + d], o = op.ints[2 + 2 * rank + d];
    if (s <= 0 || before < 0 || o < s + before) return "bad shape";
    in = Mul(in, s);
    out = Mul(out, o);
  }
  return Holds(t, op.inputs[0], in, size) && Holds(t, op.outputs[0], out, size) ? "" : "operand sizes";
}

void RunPad(const Op& op, Tensors& t) {
  const int64_t size = op.ints[0], rank = op.ints[1];
  const int64_t* in_shape = &op.ints[2];
  const int64_t* before = &op.ints[2 + rank];
  const int64_t* out_shape = &op.ints[2 + 2 * rank];
  const int64_t fill = op.ints[2 + 3 * rank];
  uint8_t* y = t[op.outputs[0]].data();
  const uint8_t* x = t[op.inputs[0]].data();
  int64_t out_count = 1, in_count = 1;
  for (int64_t d = 0; d < rank; d++) { out_count *= out_shape[d]; in_count *= in_shape[d]; }
  for (int64_t k = 0; k < out_count; k++) {
    if (size == 1) y[k] = static_cast<uint8_t>(fill);
    else if (size == 2) reinterpret_cast<int16_t*>(y)[k] = static_cast<int16_t>(fill);
    else reinterpret_cast<int32_t*>(y)[k] = static_cast<int32_t>(fill);
  }
  std::vector<int64_t> index(rank, 0);
  for (int64_t k = 0; k < in_count; k++) {
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; d++) offset = offset * out_shape[d] + index[d] + before[d];
    std::memcpy(y + offset * size, x + k * size, size);
    for (int64_t d = rank - 1; d >= 0; d--) {
      if (++index[d] < in_shape[d]) break;
      index[d] = 0;
    }
  }
}

std::string CheckConcat(const Op& op, const Tensors& t) {
  if (op.ints.size() < 4) return "missing parameters";
  const int64_t size = op.ints[0], outer = op.ints[1], inner = op.ints[2], k = op.ints[3];
  std::string e = Expect(op, t, static_cast<size_t>(k < 1 || k > 4096 ? 0 : k), 1, 4 + (k < 0 ? 0 : k), 0);
  if (!e.empty()) return e;
  if (!AllPositive({size, outer, inner, k})) return "bad sizes";
  int64_t axis = 0;
  for (int64_t j = 0; j < k; j++) {
    const int64_t a = op.ints[4 + j];
    if (a < 0 || !Holds(t, op.inputs[j], Product({outer, a, inner}), size)) return "operand sizes";
    if (__builtin_add_overflow(axis, a, &axis)) return "bad sizes";
  }
  return Holds(t, op.outputs[0], Product({outer, axis, inner}), size) ? "" : "operand sizes";
}

void RunConcat(const Op& op, Tensors& t) {
  const int64_t size = op.ints[0], outer = op.ints[1], inner = op.ints[2], k = op.ints[3];
  int64_t axis = 0;
  for (int64_t j = 0; j < k; j++) axis += op.ints[4 + j];
  uint8_t* y = t[op.outputs[0]].data();
  int64_t at = 0;
  for (int64_t j = 0; j < k; j++) {
    const int64_t block = op.ints[4 + j] * inner * size;
    const uint8_t* x = t[op.inputs[j]].data();
    for (int64_t o = 0; o < outer; o++) std::memcpy(y + (o * axis * inner * size) + at, x + o * block, block);
    at += block;
  }
}

}  // namespace

const Kernel kCopy = {"copy", CheckCopy, RunCopy};
const Kernel kPad = {"pad", CheckPad, RunPad};
const Kernel kConcatenation = {"concatenation", CheckConcat, RunConcat};

}  // namespace xnnlite::reference
