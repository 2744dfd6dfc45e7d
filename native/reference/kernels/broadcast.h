// Two operands read through their own strides into one output (numpy
// broadcasting: stride 0 along the dimensions an operand is broadcast in).
// TypeScript merges dimensions that are contiguous for every operand, so
// the innermost loop is usually long and runs with strides 1 or 0.
//
// Layout in a kernel's ints, from `at`: rank R, output shape[R], a strides[R], b strides[R].
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "util.h"

namespace xnnlite::reference {

struct BroadcastLayout {
  int64_t rank = 0;
  const int64_t* shape = nullptr;
  const int64_t* a_strides = nullptr;
  const int64_t* b_strides = nullptr;
  int64_t count = 0;  // output elements
};

// Elements an operand read through `strides` must hold: 1 + the largest offset; -1 on overflow.
inline int64_t BroadcastExtent(const int64_t* shape, const int64_t* strides, int64_t rank) {
  int64_t last = 0;
  for (int64_t d = 0; d < rank; d++) {
    const int64_t step = Mul(shape[d] - 1, strides[d]);
    if (step < 0 || __builtin_add_overflow(last, step, &last)) return -1;
  }
  return last + 1;
}

// The layout at ints[at...]; `end` is set past it. Empty string when it is consistent with
// operands `a` and `b` (element sizes `a_size`, `b_size`) and output `y` (`y_size`).
inline std::string ReadBroadcastLayout(const Op& op, const Tensors& t, size_t at, BroadcastLayout* layout, size_t* end,
                                       size_t a_size, size_t b_size, size_t y_size) {
  if (op.ints.size() <= at) return "missing parameters";
  const int64_t rank = op.ints[at];
  if (rank < 1 || rank > 8 || op.ints.size() < at + 1 + 3 * static_cast<size_t>(rank)) return "bad rank";
  layout->rank = rank;
  layout->shape = &op.ints[at + 1];
  layout->a_strides = &op.ints[at + 1 + rank];
  layout->b_strides = &op.ints[at + 1 + 2 * rank];
  int64_t count = 1;
  for (int64_t d = 0; d < rank; d++) {
    if (layout->shape[d] < 1 || layout->a_strides[d] < 0 || layout->b_strides[d] < 0) return "bad shape";
    count = Mul(count, layout->shape[d]);
  }
  if (count < 0) return "bad shape";
  layout->count = count;
  *end = at + 1 + 3 * static_cast<size_t>(rank);
  if (!Holds(t, op.inputs[0], BroadcastExtent(layout->shape, layout->a_strides, rank), a_size) ||
      !Holds(t, op.inputs[1], BroadcastExtent(layout->shape, layout->b_strides, rank), b_size) ||
      !Holds(t, op.outputs[0], count, y_size)) return "operand sizes";
  return "";
}

// Calls row(a offset, b offset, output offset, n, a step, b step) for each run of the innermost dimension.
template <typename Row>
inline void ForEachBroadcastRow(const BroadcastLayout& l, Row row) {
  const int64_t inner = l.rank - 1;
  const int64_t n = l.shape[inner], sa = l.a_strides[inner], sb = l.b_strides[inner];
  std::array<int64_t, 8> index{};
  int64_t ia = 0, ib = 0;
  for (int64_t out = 0; out < l.count; out += n) {
    row(ia, ib, out, n, sa, sb);
    for (int64_t d = inner - 1; d >= 0; d--) {
      ia += l.a_strides[d];
      ib += l.b_strides[d];
      if (++index[d] < l.shape[d]) break;
      ia -= l.a_strides[d] * l.shape[d];
      ib -= l.b_strides[d] * l.shape[d];
      index[d] = 0;
    }
  }
}

// y[k] = f(a[k * sa], b[k * sb]) for k < n, with the common stride patterns as separate loops the compiler can vectorize.
template <typename A, typename B, typename Y, typename F>
inline void BroadcastRow(const A* a, const B* b, Y* y, int64_t n, int64_t sa, int64_t sb, F f) {
  if (sa == 1 && sb == 1) {
    for (int64_t k = 0; k < n; k++) y[k] = f(a[k], b[k]);
  } else if (sa == 1 && sb == 0) {
    const B bv = b[0];
    for (int64_t k = 0; k < n; k++) y[k] = f(a[k], bv);
  } else if (sa == 0 && sb == 1) {
    const A av = a[0];
    for (int64_t k = 0; k < n; k++) y[k] = f(av, b[k]);
  } else {
    for (int64_t k = 0; k < n; k++) y[k] = f(a[k * sa], b[k * sb]);
  }
}

}  // namespace xnnlite::reference
