// TOPK_V2: the k largest values of each row (the last dimension) in
// decreasing order, with their int32 indices. TFLite's order: ties go to the
// lower index, and NaNs count as smaller than every number (among
// themselves, lower index first). That order is total, so a partial sort
// gives exactly TFLite's result.
//
// top_k  ints: element type (float32, int8, uint8, int16, int32 or int64), rows, row size, k
//        operands: x [rows, row size] -> values [rows, k], indices (int32) [rows, k]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

// Rows per task: about this many input elements each.
constexpr int64_t kTaskElements = 16384;

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 2, 4, 0);
  if (!e.empty()) return e;
  const int64_t type = op.ints[0], rows = op.ints[1], size = op.ints[2], k = op.ints[3];
  if (!IsElementType(type) || type == kBool || !AllPositive({rows, size, k}) || k > size || size > INT32_MAX) return "parameters";
  const size_t bytes = ElementBytes(type);
  if (!Holds(t, op.inputs[0], Mul(rows, size), bytes) || !Holds(t, op.outputs[0], Mul(rows, k), bytes) || !Holds(t, op.outputs[1], Mul(rows, k), 4)) {
    return "operand sizes";
  }
  return "";
}

int64_t RowsPerTask(const Op& op) { return std::max<int64_t>(1, kTaskElements / op.ints[2]); }

size_t Tasks(const Op& op) {
  const int64_t rows = op.ints[1], per_task = RowsPerTask(op);
  return static_cast<size_t>((rows + per_task - 1) / per_task);
}

template <typename T>
void TopK(const Op& op, Tensors& t, size_t task) {
  const int64_t rows = op.ints[1], size = op.ints[2], k = op.ints[3], per_task = RowsPerTask(op);
  const T* x = As<T>(t, op.inputs[0]);
  T* values = As<T>(t, op.outputs[0]);
  int32_t* indices = As<int32_t>(t, op.outputs[1]);
  std::vector<int32_t> order(static_cast<size_t>(size));
  const int64_t first = static_cast<int64_t>(task) * per_task;
  const int64_t end = std::min(rows, first + per_task);
  for (int64_t r = first; r < end; r++) {
    const T* row = x + r * size;
    // True when element a comes before element b.
    auto before = [row](int32_t a, int32_t b) {
      if constexpr (std::is_floating_point_v<T>) {
        const bool a_nan = std::isnan(row[a]), b_nan = std::isnan(row[b]);
        if (a_nan != b_nan) return b_nan;
        if (a_nan) return a < b;
      }
      if (row[a] != row[b]) return row[a] > row[b];
      return a < b;
    };
    for (int32_t i = 0; i < static_cast<int32_t>(size); i++) order[i] = i;
    std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
    for (int64_t j = 0; j < k; j++) {
      values[r * k + j] = row[order[j]];
      indices[r * k + j] = order[j];
    }
  }
}

void Task(const Op& op, Tensors& t, size_t task) {
  WithElementType(op.ints[0], [&](auto zero) {
    if constexpr (!std::is_same_v<decltype(zero), bool>) TopK<decltype(zero)>(op, t, task);
  });
}

void Run(const Op& op, Tensors& t) {
  const size_t tasks = Tasks(op);
  for (size_t k = 0; k < tasks; k++) Task(op, t, k);
}

}  // namespace

const Kernel kTopK = {"top_k", Check, Run, Tasks, Task};
const KernelRegistration kTopKRegistered(kTopK);

}  // namespace xnnlite::reference
