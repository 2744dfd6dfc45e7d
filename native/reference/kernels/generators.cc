// Operators that make a tensor from a shape or a few scalars: SHAPE (the
// model's static shape, written out), FILL and ZEROS_LIKE (one value
// repeated), RANGE (start, start + delta, ... accumulated in the output's
// type as TFLite does: floats rounded at each step, integers wrapping) and
// WHERE of a constant condition (the coordinates of its nonzero elements, in
// row-major order).
//
// shape  ints: element bytes (4 or 8), dims...              operands: -> dims
// fill   ints: element bytes, count                         operands: value (-1: zero) -> output
// range  ints: element type (float32, int32 or int64), count operands: start, delta -> output
// where  ints: element type, rank R, count of nonzero elements, dims[R]
//        operands: condition -> int64 [count, R]
#include <cstring>
#include <type_traits>
#include <vector>

#include "indices.h"
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string CheckShape(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 0, 1, 2, 0);
  if (!e.empty()) return e;
  const int64_t bytes = op.ints[0];
  if (bytes != 4 && bytes != 8) return "parameters";
  return Holds(t, op.outputs[0], static_cast<int64_t>(op.ints.size()) - 1, bytes) ? "" : "operand sizes";
}

void RunShape(const Op& op, Tensors& t) {
  const size_t rank = op.ints.size() - 1;
  for (size_t d = 0; d < rank; d++) {
    if (op.ints[0] == 8) As<int64_t>(t, op.outputs[0])[d] = op.ints[1 + d];
    else As<int32_t>(t, op.outputs[0])[d] = static_cast<int32_t>(op.ints[1 + d]);
  }
}

std::string CheckFill(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 2, 0);
  if (!e.empty()) return e;
  const int64_t bytes = op.ints[0], count = op.ints[1];
  if (!IsElementBytes(bytes) || !AllPositive({count})) return "parameters";
  if (op.inputs[0] >= 0 && !Holds(t, op.inputs[0], 1, bytes)) return "operand sizes";
  return Holds(t, op.outputs[0], count, bytes) ? "" : "operand sizes";
}

template <typename Bits>
void Repeat(Bits value, Bits* y, int64_t count) {
  for (int64_t k = 0; k < count; k++) y[k] = value;
}

void RunFill(const Op& op, Tensors& t) {
  const int64_t bytes = op.ints[0], count = op.ints[1];
  uint8_t* y = t[op.outputs[0]].data();
  if (op.inputs[0] < 0) {
    std::memset(y, 0, static_cast<size_t>(count * bytes));
    return;
  }
  uint64_t value = 0;
  std::memcpy(&value, t[op.inputs[0]].data(), static_cast<size_t>(bytes));
  switch (bytes) {
    case 1: Repeat(static_cast<uint8_t>(value), y, count); break;
    case 2: Repeat(static_cast<uint16_t>(value), reinterpret_cast<uint16_t*>(y), count); break;
    case 4: Repeat(static_cast<uint32_t>(value), reinterpret_cast<uint32_t*>(y), count); break;
    default: Repeat(value, reinterpret_cast<uint64_t*>(y), count); break;
  }
}

std::string CheckRange(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 2, 1, 2, 0);
  if (!e.empty()) return e;
  const int64_t type = op.ints[0], count = op.ints[1];
  if ((type != kF32 && type != kI32 && type != kI64) || !AllPositive({count})) return "parameters";
  const size_t bytes = ElementBytes(type);
  return Holds(t, op.inputs[0], 1, bytes) && Holds(t, op.inputs[1], 1, bytes) && Holds(t, op.outputs[0], count, bytes) ? "" : "operand sizes";
}

// Integers add as unsigned: wrapping, where signed overflow would be undefined.
template <typename T> struct StepOf { using type = T; };
template <> struct StepOf<int32_t> { using type = uint32_t; };
template <> struct StepOf<int64_t> { using type = uint64_t; };

template <typename T>
void Range(const Op& op, Tensors& t) {
  using Step = typename StepOf<T>::type;
  const int64_t count = op.ints[1];
  Step value = static_cast<Step>(*As<T>(t, op.inputs[0]));
  const Step delta = static_cast<Step>(*As<T>(t, op.inputs[1]));
  T* y = As<T>(t, op.outputs[0]);
  for (int64_t k = 0; k < count; k++) {
    y[k] = static_cast<T>(value);
    value = static_cast<Step>(value + delta);
  }
}

void RunRange(const Op& op, Tensors& t) {
  switch (op.ints[0]) {
    case kF32: Range<float>(op, t); break;
    case kI32: Range<int32_t>(op, t); break;
    default: Range<int64_t>(op, t); break;
  }
}

constexpr int64_t kMaxRank = 16;

std::string CheckWhere(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 3, 0);
  if (!e.empty()) return e;
  const int64_t type = op.ints[0], rank = op.ints[1], count = op.ints[2];
  if (!IsElementType(type) || rank < 1 || rank > kMaxRank || static_cast<int64_t>(op.ints.size()) != 3 + rank || !AllPositive({count})) {
    return "parameters";
  }
  int64_t elements = 1;
  for (int64_t d = 0; d < rank; d++) {
    if (!AllPositive({op.ints[3 + d]})) return "parameters";
    elements = Mul(elements, op.ints[3 + d]);
  }
  return Holds(t, op.inputs[0], elements, ElementBytes(type)) && Holds(t, op.outputs[0], Mul(count, rank), 8) ? "" : "operand sizes";
}

template <typename T>
void Where(const Op& op, Tensors& t) {
  const int64_t rank = op.ints[1], count = op.ints[2];
  const int64_t* dims = &op.ints[3];
  int64_t elements = 1;
  for (int64_t d = 0; d < rank; d++) elements *= dims[d];
  const T* x = As<T>(t, op.inputs[0]);
  int64_t* y = As<int64_t>(t, op.outputs[0]);
  int64_t found = 0;
  for (int64_t k = 0; k < elements && found < count; k++) {
    if (x[k] == T{}) continue;
    int64_t rest = k;
    for (int64_t d = rank - 1; d >= 0; d--) {
      y[found * rank + d] = rest % dims[d];
      rest /= dims[d];
    }
    found++;
  }
  // Only a program that disagrees with its constant condition has fewer.
  std::memset(y + found * rank, 0, static_cast<size_t>((count - found) * rank) * sizeof(int64_t));
}

void RunWhere(const Op& op, Tensors& t) {
  WithElementType(op.ints[0], [&](auto zero) {
    using T = std::conditional_t<std::is_same_v<decltype(zero), bool>, uint8_t, decltype(zero)>;
    Where<T>(op, t);
  });
}

}  // namespace

const Kernel kShape = {"shape", CheckShape, RunShape};
const KernelRegistration kShapeRegistered(kShape);
const Kernel kFill = {"fill", CheckFill, RunFill};
const KernelRegistration kFillRegistered(kFill);
const Kernel kRange = {"range", CheckRange, RunRange};
const KernelRegistration kRangeRegistered(kRange);
const Kernel kWhere = {"where", CheckWhere, RunWhere};
const KernelRegistration kWhereRegistered(kWhere);

}  // namespace xnnlite::reference
