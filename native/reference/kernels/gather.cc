// GATHER and EMBEDDING_LOOKUP (a GATHER along axis 0): copies the slices of
// a table that indices pick. TFLite refuses a negative index and one past
// the axis; `validate` refuses them before anything is written.
//
// gather  ints: element bytes, index bytes (2, 4 or 8), batch, outer, axis size, indices per batch, inner,
//               the operator's input number of the indices (for messages)
//         operands: table [batch, outer, axis, inner], indices [batch, count] -> [batch, outer, count, inner]
// embedding_lookup_dequantize (an int8 table read into float32, TFLite's "hybrid" lookup):
//         ints: rows, columns, lookups; reals: one scale, or one per row
//         operands: lookups (int32) [lookups], table (int8) [rows, columns] -> float32 [lookups, columns]
#include <cstring>

#include "indices.h"
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

struct Gather {
  int64_t element, index, batch, outer, axis, count, inner;
  explicit Gather(const Op& op) {
    const auto& i = op.ints;
    element = i[0]; index = i[1]; batch = i[2]; outer = i[3]; axis = i[4]; count = i[5]; inner = i[6];
  }
  int64_t rows() const { return batch * outer * count; }
  int64_t rows_per_task() const { return RowsPerTask(inner * element); }
};

std::string CheckGather(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 2, 1, 8, 0);
  if (!e.empty()) return e;
  const Gather g(op);
  if (!IsElementBytes(g.element) || !IsIndexBytes(g.index) || !AllPositive({g.batch, g.outer, g.axis, g.count, g.inner})) return "parameters";
  if (!Holds(t, op.inputs[0], Product({g.batch, g.outer, g.axis, g.inner, g.element}), 1) ||
      !Holds(t, op.inputs[1], Product({g.batch, g.count, g.index}), 1) ||
      !Holds(t, op.outputs[0], Product({g.batch, g.outer, g.count, g.inner, g.element}), 1)) return "operand sizes";
  return "";
}

void ValidateGather(const Op& op, const Tensors& t) {
  const Gather g(op);
  const uint8_t* indices = t[op.inputs[1]].data();
  const int input = static_cast<int>(op.ints[7]);
  for (int64_t k = 0; k < g.batch * g.count; k++) CheckIndex(IndexAt(indices, g.index, k), k, input, g.axis);
}

size_t GatherTasks(const Op& op) {
  const Gather g(op);
  return TaskCount(g.rows(), g.rows_per_task());
}

// Output rows [first, first + rows per task): row r is (batch, outer, position).
void GatherTask(const Op& op, Tensors& t, size_t task) {
  const Gather g(op);
  const uint8_t* table = t[op.inputs[0]].data();
  const uint8_t* indices = t[op.inputs[1]].data();
  uint8_t* y = t[op.outputs[0]].data();
  const int64_t row_bytes = g.inner * g.element;
  const int64_t first = static_cast<int64_t>(task) * g.rows_per_task();
  const int64_t end = first + g.rows_per_task() < g.rows() ? first + g.rows_per_task() : g.rows();
  for (int64_t r = first; r < end; r++) {
    const int64_t position = r % g.count;
    const int64_t b = r / (g.outer * g.count);
    const int64_t o = (r / g.count) % g.outer;
    const int64_t index = IndexAt(indices, g.index, b * g.count + position);
    if (index < 0 || index >= g.axis) continue;  // refused by ValidateGather; never read outside the table
    // memmove: a program may name one tensor as both table and output.
    std::memmove(y + r * row_bytes, table + ((b * g.outer + o) * g.axis + index) * row_bytes, row_bytes);
  }
}

void RunGather(const Op& op, Tensors& t) {
  const size_t tasks = GatherTasks(op);
  for (size_t k = 0; k < tasks; k++) GatherTask(op, t, k);
}

std::string CheckDequantizingLookup(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 2, 1, 3, 1);
  if (!e.empty()) return e;
  const int64_t rows = op.ints[0], columns = op.ints[1], lookups = op.ints[2];
  if (!AllPositive({rows, columns, lookups})) return "parameters";
  if (op.reals.size() != 1 && static_cast<int64_t>(op.reals.size()) != rows) return "one scale, or one per row, expected";
  if (!Holds(t, op.inputs[0], lookups, 4) || !Holds(t, op.inputs[1], Mul(rows, columns), 1) || !Holds(t, op.outputs[0], Mul(lookups, columns), 4)) {
    return "operand sizes";
  }
  return "";
}

void ValidateDequantizingLookup(const Op& op, const Tensors& t) {
  const int32_t* lookups = As<int32_t>(t, op.inputs[0]);
  for (int64_t k = 0; k < op.ints[2]; k++) CheckIndex(lookups[k], k, 0, op.ints[0]);
}

// Each value times its row's scale, in float as TFLite computes it.
void RunDequantizingLookup(const Op& op, Tensors& t) {
  const int64_t rows = op.ints[0], columns = op.ints[1], lookups = op.ints[2];
  const int32_t* indices = As<int32_t>(t, op.inputs[0]);
  const int8_t* table = As<int8_t>(t, op.inputs[1]);
  float* y = As<float>(t, op.outputs[0]);
  for (int64_t k = 0; k < lookups; k++) {
    const int64_t row = indices[k];
    if (row < 0 || row >= rows) continue;  // refused by ValidateDequantizingLookup
    const float scale = static_cast<float>(op.reals.size() == 1 ? op.reals[0] : op.reals[row]);
    const int8_t* from = table + row * columns;
    float* to = y + k * columns;
    for (int64_t c = 0; c < columns; c++) to[c] = static_cast<float>(from[c]) * scale;
  }
}

}  // namespace

const Kernel kGather = {"gather", CheckGather, RunGather, GatherTasks, GatherTask, ValidateGather};
const KernelRegistration kGatherRegistered(kGather);
const Kernel kEmbeddingLookupDequantize = {"embedding_lookup_dequantize", CheckDequantizingLookup, RunDequantizingLookup, nullptr, nullptr,
                                           ValidateDequantizingLookup};
const KernelRegistration kEmbeddingLookupDequantizeRegistered(kEmbeddingLookupDequantize);

}  // namespace xnnlite::reference
