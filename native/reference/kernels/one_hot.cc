// ONE_HOT: output[i, j, k] = indices[i, k] == j ? on : off, the indices seen
// as [prefix, suffix] and the output as [prefix, depth, suffix]. An index
// outside [0, depth) (negative included) gives off values in its column, as
// TFLite does. TFLite compares the index converted to int32, so an int64
// index is taken modulo 2^32 (as two's complement int32) before comparing.
//
// one_hot  ints: element bytes (1, 4 or 8), index bytes (4 or 8), prefix, depth, suffix
//          operands: indices [prefix, suffix], on value, off value -> [prefix, depth, suffix]
#include <cstring>

#include "indices.h"
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 3, 1, 5, 0);
  if (!e.empty()) return e;
  const int64_t element = op.ints[0], index = op.ints[1], prefix = op.ints[2], depth = op.ints[3], suffix = op.ints[4];
  if ((element != 1 && element != 4 && element != 8) || (index != 4 && index != 8) || !AllPositive({prefix, depth, suffix})) return "parameters";
  if (!Holds(t, op.inputs[0], Product({prefix, suffix, index}), 1) || !Holds(t, op.inputs[1], element, 1) || !Holds(t, op.inputs[2], element, 1) ||
      !Holds(t, op.outputs[0], Product({prefix, depth, suffix, element}), 1)) return "operand sizes";
  return "";
}

template <typename Bits>
void Fill(const Op& op, Tensors& t) {
  const int64_t index = op.ints[1], prefix = op.ints[2], depth = op.ints[3], suffix = op.ints[4];
  Bits on, off;
  std::memcpy(&on, t[op.inputs[1]].data(), sizeof(Bits));
  std::memcpy(&off, t[op.inputs[2]].data(), sizeof(Bits));
  const uint8_t* indices = t[op.inputs[0]].data();
  Bits* y = As<Bits>(t, op.outputs[0]);
  for (int64_t i = 0; i < prefix; i++) {
    for (int64_t j = 0; j < depth; j++) {
      Bits* row = y + (i * depth + j) * suffix;
      for (int64_t k = 0; k < suffix; k++) row[k] = static_cast<int32_t>(IndexAt(indices, index, i * suffix + k)) == j ? on : off;
    }
  }
}

void Run(const Op& op, Tensors& t) {
  switch (op.ints[0]) {
    case 1: Fill<uint8_t>(op, t); break;
    case 4: Fill<uint32_t>(op, t); break;
    default: Fill<uint64_t>(op, t); break;
  }
}

}  // namespace

const Kernel kOneHot = {"one_hot", Check, Run};
const KernelRegistration kOneHotRegistered(kOneHot);

}  // namespace xnnlite::reference
