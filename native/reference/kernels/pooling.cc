// MAX_POOL_2D and AVERAGE_POOL_2D on NHWC tensors of float32, int8, uint8 or
// int16, as TFLite's builtin kernels compute them. The window covers its
// in-bounds elements only (padding never counts, so a window may be larger
// than the input). Quantized input and output share one quantization (TFLite
// requires it): values are pooled raw and only the output clamp applies.
//   max:     the largest element (a float NaN is skipped, as TFLite's
//            std::max from the type's lowest value skips it)
//   average: float32: the float sum in row-major window order / count;
//            integers: the exact sum, divided rounding half away from zero
//            ((sum +- count / 2) / count, TFLite's int32 formula in int64)
// then the clamp to [output min, output max]. A window without in-bounds
// elements (only a hostile plan has one) gives the max the clamp's low end,
// as TFLite's MaxPool gives it; TFLite's AveragePool fails on one, so Check
// refuses an average whose windows do not all reach the input.
//
// max_pool, average_pool
//   ints:  element type (float32, int8, uint8 or int16), N, H, W, C, OH, OW, KH, KW,
//          strideH, strideW, padTop, padLeft (0 <= pad < window)
//   reals: output min, output max (the fused activation's range: real values
//          for float32, possibly infinite; quantized integers in the type's range otherwise)
// Tasks split the output rows (N x OH) into ranges.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

constexpr size_t kInts = 13;
// Window elements one task reads at least, so that small pools stay on one thread.
constexpr int64_t kElementsPerTask = 1 << 15;
// Channels accumulated together (contiguous in NHWC), in a buffer on the stack: a task must not allocate.
constexpr int64_t kTranche = 64;

struct Pool {
  int64_t type, n, h, w, c, oh, ow, kh, kw, sh, sw, pt, pl;
  double lo, hi;
};

Pool Read(const Op& op) {
  const auto& i = op.ints;
  return {i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], i[8], i[9], i[10], i[11], i[12], op.reals[0], op.reals[1]};
}

// Calls f(T{}) for the element types pooling takes.
template <typename F>
bool WithPoolType(int64_t code, F&& f) {
  switch (code) {
    case kF32: f(float{}); return true;
    case kI8: f(int8_t{}); return true;
    case kU8: f(uint8_t{}); return true;
    case kI16: f(int16_t{}); return true;
    default: return false;
  }
}

template <typename T>
bool RangeFits(double lo, double hi) {
  if (!(lo <= hi)) return false;  // also NaN
  if constexpr (std::is_floating_point_v<T>) {
    return true;
  } else {
    const double min = std::numeric_limits<T>::min(), max = std::numeric_limits<T>::max();
    return lo >= min && hi <= max && lo == std::floor(lo) && hi == std::floor(hi);
  }
}

template <bool kMax>
std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, kInts, 2);
  if (!e.empty()) return e;
  if (op.ints.size() != kInts || op.reals.size() != 2) return "wrong number of parameters";
  const auto& i = op.ints;
  if (!AllPositive({i[1], i[2], i[3], i[4], i[5], i[6], i[7], i[8], i[9], i[10]})) return "bad sizes";
  const Pool p = Read(op);
  // Padding as TFLite computes it lies in [0, window): every window starts before the input's end.
  if (p.pt < 0 || p.pt >= p.kh || p.pl < 0 || p.pl >= p.kw) return "bad padding";
  // No overflow: oh, sh <= 2^31.
  const bool windows_reach_input = (p.oh - 1) * p.sh - p.pt < p.h && (p.ow - 1) * p.sw - p.pl < p.w;
  if (!kMax && !windows_reach_input) return "a window without input elements";
  bool range_fits = false;
  if (!WithPoolType(p.type, [&](auto type) { range_fits = RangeFits<decltype(type)>(p.lo, p.hi); })) return "bad element type";
  if (!range_fits) return "bad output range";
  const size_t size = ElementBytes(p.type);
  if (!Holds(t, op.inputs[0], Product({p.n, p.h, p.w, p.c}), size) || !Holds(t, op.outputs[0], Product({p.n, p.oh, p.ow, p.c}), size)) return "operand sizes";
  return "";
}

size_t TaskCount(const Op& op) {
  const Pool p = Read(op);
  const int64_t rows = p.n * p.oh;  // both <= 2^31, and their product fits the output tensor
  const int64_t work = Product({rows, p.ow, p.c, std::min(p.kh, p.h), std::min(p.kw, p.w)});
  const int64_t tasks = work < 0 ? rows : work / kElementsPerTask;
  return static_cast<size_t>(std::max<int64_t>(1, std::min(tasks, rows)));
}

template <bool kMax, typename T>
void PoolRows(const Pool& p, const T* x, T* y, int64_t begin, int64_t end) {
  // Float sums stay in float, as TFLite's kernels sum; integer sums are exact.
  using Sum = std::conditional_t<std::is_floating_point_v<T>, float, int64_t>;
  using Acc = std::conditional_t<kMax, T, Sum>;
  const Acc start = kMax ? std::numeric_limits<T>::lowest() : Acc{0};
  Acc acc[kTranche];
  for (int64_t row = begin; row < end; row++) {
    const int64_t b = row / p.oh, oy = row % p.oh;
    const int64_t y0 = std::max<int64_t>(0, oy * p.sh - p.pt), y1 = std::min<int64_t>(p.h, oy * p.sh - p.pt + p.kh);
    for (int64_t ox = 0; ox < p.ow; ox++) {
      const int64_t x0 = std::max<int64_t>(0, ox * p.sw - p.pl), x1 = std::min<int64_t>(p.w, ox * p.sw - p.pl + p.kw);
      const int64_t count = std::max<int64_t>(0, y1 - y0) * std::max<int64_t>(0, x1 - x0);
      T* out = y + ((b * p.oh + oy) * p.ow + ox) * p.c;
      for (int64_t c0 = 0; c0 < p.c; c0 += kTranche) {
        const int64_t m = std::min(kTranche, p.c - c0);
        std::fill(acc, acc + m, start);
        for (int64_t iy = y0; iy < y1; iy++) {
          for (int64_t ix = x0; ix < x1; ix++) {
            const T* in = x + ((b * p.h + iy) * p.w + ix) * p.c + c0;
            if constexpr (kMax) {
              for (int64_t k = 0; k < m; k++) acc[k] = acc[k] < in[k] ? in[k] : acc[k];
            } else {
              for (int64_t k = 0; k < m; k++) acc[k] += static_cast<Sum>(in[k]);
            }
          }
        }
        for (int64_t k = 0; k < m; k++) {
          if constexpr (std::is_floating_point_v<T>) {
            float v = kMax ? static_cast<float>(acc[k]) : static_cast<float>(acc[k]) / static_cast<float>(count);
            // TFLite's min(max(v, lo), hi): a NaN average stays NaN.
            const auto lo = static_cast<float>(p.lo), hi = static_cast<float>(p.hi);
            v = v < lo ? lo : v;
            out[c0 + k] = hi < v ? hi : v;
          } else {
            int64_t v = static_cast<int64_t>(acc[k]);
            if (!kMax) v = v >= 0 ? (v + count / 2) / count : (v - count / 2) / count;  // count > 0: Check
            out[c0 + k] = static_cast<T>(std::clamp(v, static_cast<int64_t>(p.lo), static_cast<int64_t>(p.hi)));
          }
        }
      }
    }
  }
}

template <bool kMax>
void RunRows(const Op& op, Tensors& t, int64_t begin, int64_t end) {
  const Pool p = Read(op);
  WithPoolType(p.type, [&](auto type) {
    using T = decltype(type);
    PoolRows<kMax, T>(p, As<T>(t, op.inputs[0]), As<T>(t, op.outputs[0]), begin, end);
  });
}

template <bool kMax>
void Run(const Op& op, Tensors& t) {
  const Pool p = Read(op);
  RunRows<kMax>(op, t, 0, p.n * p.oh);
}

template <bool kMax>
void Task(const Op& op, Tensors& t, size_t task) {
  const Pool p = Read(op);
  const int64_t rows = p.n * p.oh, tasks = static_cast<int64_t>(TaskCount(op)), k = static_cast<int64_t>(task);
  RunRows<kMax>(op, t, rows * k / tasks, rows * (k + 1) / tasks);
}

}  // namespace

const Kernel kMaxPool = {"max_pool", Check<true>, Run<true>, TaskCount, Task<true>};
const KernelRegistration kMaxPoolRegistered(kMaxPool);
const Kernel kAveragePool = {"average_pool", Check<false>, Run<false>, TaskCount, Task<false>};
const KernelRegistration kAveragePoolRegistered(kAveragePool);

}  // namespace xnnlite::reference
