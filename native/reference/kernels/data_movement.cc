// Operators that only move whole tensors, for any element size: a copy
// (RESHAPE, SQUEEZE, EXPAND_DIMS) and CONCATENATION (also PACK, whose inputs
// each add one index along the new axis). Inputs already share the output's
// quantization. Copies along index tables (slices, transposes, pads...) are
// in layout.cc.
//
// copy     ints: bytes
// concat   ints: element size, outer, inner, K, K axis sizes
#include <cstring>

#include "../program.h"
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

std::string CheckConcat(const Op& op, const Tensors& t) {
  if (op.ints.size() < 4) return "missing parameters";
  const int64_t size = op.ints[0], outer = op.ints[1], inner = op.ints[2], k = op.ints[3];
  if (k < 1 || k > 4096) return "bad input count";
  std::string e = Expect(op, t, static_cast<size_t>(k), 1, static_cast<size_t>(4 + k), 0);
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
const KernelRegistration kCopyRegistered(kCopy);
const Kernel kConcatenation = {"concatenation", CheckConcat, RunConcat};
const KernelRegistration kConcatenationRegistered(kConcatenation);

}  // namespace xnnlite::reference
