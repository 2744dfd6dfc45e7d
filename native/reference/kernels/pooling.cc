// MAX_POOL_2D and AVERAGE_POOL_2D on int16 NHWC tensors. Input and output
// share one quantization (TFLite requires it), so only the output clamp
// applies; the average divides by the window's in-bounds element count.
//
// ints: N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, output min, output max
#include <algorithm>
#include <cmath>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 14, 0);
  if (!e.empty()) return e;
  const auto& i = op.ints;
  if (!AllPositive({i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], i[8], i[9]})) return "bad sizes";
  if (!Holds(t, op.inputs[0], Product({i[0], i[1], i[2], i[3]}), 2) || !Holds(t, op.outputs[0], Product({i[0], i[4], i[5], i[3]}), 2)) return "operand sizes";
  return "";
}

template <bool kMax>
void Run(const Op& op, Tensors& t) {
  const auto& i = op.ints;
  const int64_t n = i[0], h = i[1], w = i[2], c = i[3], oh = i[4], ow = i[5], kh = i[6], kw = i[7], sh = i[8], sw = i[9], pt = i[10], pl = i[11];
  const int64_t lo = i[12], hi = i[13];
  const int16_t* x = As<int16_t>(t, op.inputs[0]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  for (int64_t b = 0; b < n; b++) {
    for (int64_t oy = 0; oy < oh; oy++) {
      for (int64_t ox = 0; ox < ow; ox++) {
        const int64_t y0 = std::max<int64_t>(0, oy * sh - pt), y1 = std::min<int64_t>(h, oy * sh - pt + kh);
        const int64_t x0 = std::max<int64_t>(0, ox * sw - pl), x1 = std::min<int64_t>(w, ox * sw - pl + kw);
        for (int64_t ch = 0; ch < c; ch++) {
          int64_t acc = kMax ? INT64_MIN : 0;
          int64_t count = 0;
          for (int64_t iy = y0; iy < y1; iy++) {
            for (int64_t ix = x0; ix < x1; ix++) {
              const int64_t v = x[((b * h + iy) * w + ix) * c + ch];
              acc = kMax ? std::max(acc, v) : acc + v;
              count++;
            }
          }
          int64_t r = count == 0 ? 0 : kMax ? acc : static_cast<int64_t>(std::round(static_cast<double>(acc) / static_cast<double>(count)));
          y[((b * oh + oy) * ow + ox) * c + ch] = static_cast<int16_t>(std::clamp(r, lo, hi));
        }
      }
    }
  }
}

}  // namespace

const Kernel kMaxPoolS16 = {"max_pool_s16", Check, Run<true>};
const KernelRegistration kMaxPoolS16Registered(kMaxPoolS16);
const Kernel kAveragePoolS16 = {"average_pool_s16", Check, Run<false>};
const KernelRegistration kAveragePoolS16Registered(kAveragePoolS16);

}  // namespace xnnlite::reference
