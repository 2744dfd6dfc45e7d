// Reductions over any set of axes, as TFLite's reduce kernels compute them:
// SUM, MEAN, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_ANY.
//
// TypeScript splits the input's dimensions into kept ones (one output
// element per combination) and reduced ones, each with its input stride,
// merging neighbours that stay contiguous. Integer sums and products wrap;
// an integer MEAN divides the 64-bit sum, truncating toward zero; a float
// SUM/MEAN/PROD accumulates in double (TFLite's float accumulation rounds
// more, in an order of its own). A quantized SUM (int8/uint8) requantizes
// in float32 as XNNPACK does, which is what TFLite's default delegate (and
// LiteRT.js) run:
//   round_half_even(float(sum - count * input zero point) * scale + output zero point)
// with scale = input scale / output scale (float32), clamped to the type's
// range (TFLite's own kernel rounds ties away from zero instead).
//
// reduce_axes  ints: op, element type, quantized (0/1), input zero point, output zero point,
//                    K, kept shape[K], kept strides[K], R, reduced shape[R], reduced strides[R]
//              reals (quantized only): scale
//   op: 0 sum, 1 mean, 2 max, 3 min, 4 prod, 5 any
// Tasks split the output elements into ranges.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

enum ReduceOp : int64_t { kSum, kMean, kMax, kMin, kProd, kAny };

constexpr size_t kKeptAt = 5;
// Input elements one task reads at least, so that small reductions stay on one thread.
constexpr int64_t kElementsPerTask = 1 << 14;

struct Dims {
  int64_t rank = 0;
  const int64_t* shape = nullptr;
  const int64_t* strides = nullptr;
  int64_t count = 1;
};

struct Layout {
  Dims kept, reduced;
};

// Reads the layout; false when the ints do not describe one.
bool Parse(const Op& op, Layout* l) {
  size_t at = kKeptAt;
  for (Dims* d : {&l->kept, &l->reduced}) {
    if (op.ints.size() <= at) return false;
    d->rank = op.ints[at];
    if (d->rank < 0 || d->rank > 8 || op.ints.size() < at + 1 + 2 * static_cast<size_t>(d->rank)) return false;
    d->shape = &op.ints[at + 1];
    d->strides = &op.ints[at + 1 + d->rank];
    d->count = 1;
    // A reduced dimension of stride 0 would repeat work without reading more: none is ever needed.
    const int64_t min_stride = d == &l->reduced ? 1 : 0;
    for (int64_t k = 0; k < d->rank; k++) {
      if (d->shape[k] < 1 || d->strides[k] < min_stride) return false;
      d->count = Mul(d->count, d->shape[k]);
    }
    if (d->count < 0) return false;
    at += 1 + 2 * static_cast<size_t>(d->rank);
  }
  return at == op.ints.size();
}

int64_t LastOffset(const Dims& d) {
  int64_t last = 0;
  for (int64_t k = 0; k < d.rank; k++) {
    const int64_t step = Mul(d.shape[k] - 1, d.strides[k]);
    if (step < 0 || __builtin_add_overflow(last, step, &last)) return -1;
  }
  return last;
}

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, kKeptAt, 0);
  if (!e.empty()) return e;
  const int64_t kind = op.ints[0], type = op.ints[1], quantized = op.ints[2];
  if (kind < kSum || kind > kAny || !IsElementType(type) || (quantized != 0 && quantized != 1)) return "bad parameters";
  if ((kind == kAny) != (type == kBool)) return "bad parameters";
  if (quantized == 1 && (kind != kSum || (type != kI8 && type != kU8) || op.reals.empty() ||
                         std::abs(op.ints[3]) > 65536 || std::abs(op.ints[4]) > 65536)) return "bad parameters";
  Layout l;
  if (!Parse(op, &l)) return "bad layout";
  const int64_t kept_last = LastOffset(l.kept), reduced_last = LastOffset(l.reduced);
  int64_t extent = 0;
  if (kept_last < 0 || reduced_last < 0 || __builtin_add_overflow(kept_last, reduced_last + 1, &extent)) return "bad layout";
  const size_t size = ElementBytes(type);
  return Holds(t, op.inputs[0], extent, size) && Holds(t, op.outputs[0], l.kept.count, size) ? "" : "operand sizes";
}

// Calls f(offset) for every input element one output reduces, innermost dimension last.
template <typename F>
inline void ForEachReduced(const Dims& r, int64_t base, std::array<int64_t, 8>& index, F f) {
  if (r.rank == 0) {
    f(base);
    return;
  }
  const int64_t inner = r.rank - 1, n = r.shape[inner], stride = r.strides[inner];
  std::fill(index.begin(), index.end(), 0);
  int64_t offset = base;
  for (int64_t done = 0; done < r.count; done += n) {
    for (int64_t k = 0; k < n; k++) f(offset + k * stride);
    for (int64_t d = inner - 1; d >= 0; d--) {
      offset += r.strides[d];
      if (++index[d] < r.shape[d]) break;
      offset -= r.strides[d] * r.shape[d];
      index[d] = 0;
    }
  }
}

template <typename T>
void ReduceRange(const Op& op, Tensors& t, const Layout& l, int64_t begin, int64_t end) {
  const T* x = As<T>(t, op.inputs[0]);
  T* y = As<T>(t, op.outputs[0]);
  const int64_t kind = op.ints[0];
  std::array<int64_t, 8> index{};  // no allocation: a task must not throw
  for (int64_t o = begin; o < end; o++) {
    int64_t base = 0;
    for (int64_t d = l.kept.rank - 1, rest = o; d >= 0; d--) {
      base += (rest % l.kept.shape[d]) * l.kept.strides[d];
      rest /= l.kept.shape[d];
    }
    if constexpr (std::is_same_v<T, bool>) {
      // REDUCE_ANY; bytes are read as "nonzero".
      const uint8_t* bytes = reinterpret_cast<const uint8_t*>(x);
      bool any = false;
      ForEachReduced(l.reduced, base, index, [&](int64_t k) { any = any || bytes[k] != 0; });
      reinterpret_cast<uint8_t*>(y)[o] = any ? 1 : 0;
    } else if (kind == kMax || kind == kMin) {
      T best = kind == kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
      if (kind == kMax) ForEachReduced(l.reduced, base, index, [&](int64_t k) { best = x[k] > best ? x[k] : best; });
      else ForEachReduced(l.reduced, base, index, [&](int64_t k) { best = x[k] < best ? x[k] : best; });
      y[o] = best;
    } else if constexpr (std::is_floating_point_v<T>) {
      double acc = kind == kProd ? 1 : 0;
      if (kind == kProd) ForEachReduced(l.reduced, base, index, [&](int64_t k) { acc *= x[k]; });
      else ForEachReduced(l.reduced, base, index, [&](int64_t k) { acc += x[k]; });
      y[o] = static_cast<T>(kind == kMean ? acc / static_cast<double>(l.reduced.count) : acc);
    } else {
      uint64_t acc = kind == kProd ? 1 : 0;
      if (kind == kProd) ForEachReduced(l.reduced, base, index, [&](int64_t k) { acc *= static_cast<uint64_t>(x[k]); });
      else ForEachReduced(l.reduced, base, index, [&](int64_t k) { acc += static_cast<uint64_t>(static_cast<int64_t>(x[k])); });
      if (op.ints[2] == 1) {
        const auto scale = static_cast<float>(op.reals[0]);
        const auto centered = static_cast<int32_t>(static_cast<uint32_t>(acc) - static_cast<uint32_t>(l.reduced.count * op.ints[3]));
        // The product is rounded to float; the zero point is added exactly before rounding, as XNNPACK's magic-bias conversion does.
        const double value = std::nearbyint(static_cast<double>(static_cast<float>(centered) * scale) + static_cast<double>(op.ints[4]));
        const double lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
        y[o] = static_cast<T>(value < lo ? lo : value > hi ? hi : value);
      } else if (kind == kMean) {
        y[o] = static_cast<T>(static_cast<int64_t>(acc) / l.reduced.count);
      } else {
        y[o] = static_cast<T>(acc);
      }
    }
  }
}

void RunRange(const Op& op, Tensors& t, int64_t begin, int64_t end) {
  Layout l;
  Parse(op, &l);
  WithElementType(op.ints[1], [&](auto type) { ReduceRange<decltype(type)>(op, t, l, begin, end); });
}

size_t TaskCount(const Op& op) {
  Layout l;
  Parse(op, &l);
  const int64_t work = Mul(l.kept.count, l.reduced.count);
  const int64_t tasks = work < 0 ? l.kept.count : work / kElementsPerTask;
  return static_cast<size_t>(std::max<int64_t>(1, std::min(tasks, l.kept.count)));
}

void Run(const Op& op, Tensors& t) {
  Layout l;
  Parse(op, &l);
  RunRange(op, t, 0, l.kept.count);
}

void Task(const Op& op, Tensors& t, size_t task) {
  Layout l;
  Parse(op, &l);
  const auto tasks = static_cast<int64_t>(TaskCount(op)), k = static_cast<int64_t>(task);
  RunRange(op, t, l.kept.count * k / tasks, l.kept.count * (k + 1) / tasks);
}

}  // namespace

const Kernel kReduceAxes = {"reduce_axes", Check, Run, TaskCount, Task};
const KernelRegistration kReduceAxesRegistered(kReduceAxes);

}  // namespace xnnlite::reference
