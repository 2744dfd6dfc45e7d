// GATHER_ND and SCATTER_ND: each row of the indices (nd coordinates) names
// one slice of the larger tensor; GATHER_ND copies those slices out,
// SCATTER_ND adds the updates into a zeroed output (duplicates accumulate:
// floats in order, integers wrapping, bools as a logical or, as TFLite does).
// A coordinate outside its dimension (negative included) is refused by
// `validate`, as TFLite fails on it.
//
// gather_nd   ints: element bytes, index bytes (2, 4 or 8), slices, nd, slice size, params elements, dims[nd], strides[nd]
//             operands: params, indices [slices, nd] -> [slices, slice size]
// scatter_nd  ints: element type, slices, nd, slice size, output elements, dims[nd], strides[nd]
//             operands: indices (int32) [slices, nd], updates [slices, slice size] -> output
// dims are the sizes of the first nd dimensions of the larger tensor, strides
// their steps in elements.
#include <cstring>
#include <type_traits>

#include "indices.h"
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

constexpr int64_t kMaxRank = 16;

// Checks dims and strides (at ints[first], nd of each) and that the furthest
// slice they address ends within `elements`.
std::string CheckCoordinates(const Op& op, size_t first, int64_t nd, int64_t slice, int64_t elements) {
  if (nd < 1 || nd > kMaxRank || op.ints.size() != first + 2 * static_cast<size_t>(nd)) return "parameters";
  int64_t furthest = slice;
  for (int64_t j = 0; j < nd; j++) {
    const int64_t dim = op.ints[first + j], stride = op.ints[first + nd + j];
    if (!AllPositive({dim}) || stride < 1) return "parameters";
    const int64_t step = Mul(dim - 1, stride);
    if (step < 0 || __builtin_add_overflow(furthest, step, &furthest)) return "parameters";
  }
  return furthest <= elements ? "" : "slices outside their tensor";
}

int64_t Offset(const Op& op, size_t first, int64_t nd, const uint8_t* indices, int64_t index_bytes, int64_t slice) {
  int64_t offset = 0;
  for (int64_t j = 0; j < nd; j++) {
    const int64_t coordinate = IndexAt(indices, index_bytes, slice * nd + j);
    if (coordinate < 0 || coordinate >= op.ints[first + j]) return -1;  // refused by validate
    offset += coordinate * op.ints[first + nd + j];
  }
  return offset;
}

void ValidateCoordinates(const Op& op, size_t first, int64_t nd, const uint8_t* indices, int64_t index_bytes, int64_t slices, int input) {
  for (int64_t k = 0; k < slices * nd; k++) CheckIndex(IndexAt(indices, index_bytes, k), k, input, op.ints[first + k % nd]);
}

std::string CheckGatherNd(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 2, 1, 6, 0);
  if (!e.empty()) return e;
  const int64_t element = op.ints[0], index = op.ints[1], slices = op.ints[2], nd = op.ints[3], slice = op.ints[4], elements = op.ints[5];
  if (!IsElementBytes(element) || !IsIndexBytes(index) || !AllPositive({slices, slice}) || elements < 1) return "parameters";
  e = CheckCoordinates(op, 6, nd, slice, elements);
  if (!e.empty()) return e;
  if (!Holds(t, op.inputs[0], Mul(elements, element), 1) || !Holds(t, op.inputs[1], Product({slices, nd, index}), 1) ||
      !Holds(t, op.outputs[0], Product({slices, slice, element}), 1)) return "operand sizes";
  return "";
}

void ValidateGatherNd(const Op& op, const Tensors& t) {
  ValidateCoordinates(op, 6, op.ints[3], t[op.inputs[1]].data(), op.ints[1], op.ints[2], 1);
}

void RunGatherNd(const Op& op, Tensors& t) {
  const int64_t element = op.ints[0], index = op.ints[1], slices = op.ints[2], nd = op.ints[3], slice = op.ints[4];
  const uint8_t* params = t[op.inputs[0]].data();
  const uint8_t* indices = t[op.inputs[1]].data();
  uint8_t* y = t[op.outputs[0]].data();
  const int64_t slice_bytes = slice * element;
  for (int64_t s = 0; s < slices; s++) {
    const int64_t from = Offset(op, 6, nd, indices, index, s);
    if (from >= 0) std::memmove(y + s * slice_bytes, params + from * element, slice_bytes);
  }
}

std::string CheckScatterNd(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 2, 1, 5, 0);
  if (!e.empty()) return e;
  const int64_t type = op.ints[0], slices = op.ints[1], nd = op.ints[2], slice = op.ints[3], elements = op.ints[4];
  if (!IsElementType(type) || !AllPositive({slices, slice}) || elements < 1) return "parameters";
  e = CheckCoordinates(op, 5, nd, slice, elements);
  if (!e.empty()) return e;
  const size_t size = ElementBytes(type);
  if (!Holds(t, op.inputs[0], Mul(slices, nd), 4) || !Holds(t, op.inputs[1], Mul(slices, slice), size) || !Holds(t, op.outputs[0], elements, size)) {
    return "operand sizes";
  }
  return "";
}

void ValidateScatterNd(const Op& op, const Tensors& t) {
  ValidateCoordinates(op, 5, op.ints[2], t[op.inputs[0]].data(), 4, op.ints[1], 0);
}

// Integers wrap (added as unsigned: signed overflow is undefined in C++).
template <typename T>
T Accumulate(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

void RunScatterNd(const Op& op, Tensors& t) {
  const int64_t type = op.ints[0], slices = op.ints[1], nd = op.ints[2], slice = op.ints[3], elements = op.ints[4];
  const uint8_t* indices = t[op.inputs[0]].data();
  std::memset(t[op.outputs[0]].data(), 0, static_cast<size_t>(elements) * ElementBytes(type));
  WithElementType(type, [&](auto zero) {
    using T = decltype(zero);
    // bool is read as bytes: any nonzero byte is true.
    using Stored = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;
    const Stored* updates = As<Stored>(t, op.inputs[1]);
    Stored* y = As<Stored>(t, op.outputs[0]);
    for (int64_t s = 0; s < slices; s++) {
      const int64_t to = Offset(op, 5, nd, indices, 4, s);
      if (to < 0) continue;
      const Stored* from = updates + s * slice;
      Stored* into = y + to;
      for (int64_t k = 0; k < slice; k++) {
        if constexpr (std::is_same_v<T, bool>) {
          into[k] = static_cast<uint8_t>(into[k] != 0 || from[k] != 0);
        } else {
          into[k] = Accumulate<T>(into[k], from[k]);
        }
      }
    }
  });
}

}  // namespace

const Kernel kGatherNd = {"gather_nd", CheckGatherNd, RunGatherNd, nullptr, nullptr, ValidateGatherNd};
const KernelRegistration kGatherNdRegistered(kGatherNd);
const Kernel kScatterNd = {"scatter_nd", CheckScatterNd, RunScatterNd, nullptr, nullptr, ValidateScatterNd};
const KernelRegistration kScatterNdRegistered(kScatterNd);

}  // namespace xnnlite::reference
