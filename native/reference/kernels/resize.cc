// RESIZE_BILINEAR on int16 NHWC tensors sharing one quantization, with
// TFLite's integer arithmetic (so results match its kernels exactly):
// source coordinates and interpolation weights in 1/1024 units, products
// summed in 1/2^20 units, rounded half away from zero.
//
// ints: N, H, W, C, OH, OW, height scale x 1024, width scale x 1024, half-pixel centres (0/1)
#include <algorithm>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

constexpr int64_t kOne = 1 << 10;

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, 9, 0);
  if (!e.empty()) return e;
  const auto& i = op.ints;
  if (!AllPositive({i[0], i[1], i[2], i[3], i[4], i[5]}) || i[6] < 0 || i[7] < 0 || i[6] > (int64_t{1} << 30) || i[7] > (int64_t{1} << 30)) return "bad sizes";
  if (!Holds(t, op.inputs[0], Product({i[0], i[1], i[2], i[3]}), 2) || !Holds(t, op.outputs[0], Product({i[0], i[4], i[5], i[3]}), 2)) return "operand sizes";
  return "";
}

struct Sample {
  int64_t lo, hi;
  int64_t weight_hi;  // in 1/1024; the low neighbour gets 1024 - weight_hi
};

// The scale is rounded to the nearest 1/1024, so for upscales that are not
// whole numbers the last rows' source position can reach or pass the input's
// last row: both neighbours are then clamped into the input (TFLite's kernel
// reads past the end there), and the weights still sum to one.
Sample Locate(int64_t out, int64_t scale, bool half_pixel, int64_t size) {
  const int64_t source = half_pixel ? out * scale + scale / 2 - kOne / 2 : out * scale;
  const int64_t lo = std::clamp<int64_t>(source / kOne, 0, size - 1);  // C++ division truncates toward zero, as TFLite's does
  const int64_t hi = std::clamp<int64_t>((source + kOne - 1) / kOne, lo, size - 1);
  return {lo, hi, std::clamp<int64_t>(source - kOne * lo, 0, kOne)};
}

void Run(const Op& op, Tensors& t) {
  const auto& i = op.ints;
  const int64_t n = i[0], h = i[1], w = i[2], c = i[3], oh = i[4], ow = i[5];
  const bool half_pixel = i[8] != 0;
  const int16_t* x = As<int16_t>(t, op.inputs[0]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  for (int64_t b = 0; b < n; b++) {
    for (int64_t oy = 0; oy < oh; oy++) {
      const Sample sy = Locate(oy, i[6], half_pixel, h);
      for (int64_t ox = 0; ox < ow; ox++) {
        const Sample sx = Locate(ox, i[7], half_pixel, w);
        const int16_t* p00 = x + ((b * h + sy.lo) * w + sx.lo) * c;
        const int16_t* p01 = x + ((b * h + sy.lo) * w + sx.hi) * c;
        const int16_t* p10 = x + ((b * h + sy.hi) * w + sx.lo) * c;
        const int16_t* p11 = x + ((b * h + sy.hi) * w + sx.hi) * c;
        const int64_t wy1 = sy.weight_hi, wy0 = kOne - wy1, wx1 = sx.weight_hi, wx0 = kOne - wx1;
        int16_t* out = y + ((b * oh + oy) * ow + ox) * c;
        for (int64_t k = 0; k < c; k++) {
          const int64_t sum = p00[k] * wy0 * wx0 + p10[k] * wy1 * wx0 + p01[k] * wy0 * wx1 + p11[k] * wy1 * wx1;
          const int64_t rounded = (sum + (sum > 0 ? (int64_t{1} << 19) : -(int64_t{1} << 19))) / (int64_t{1} << 20);
          out[k] = static_cast<int16_t>(std::clamp<int64_t>(rounded, INT16_MIN, INT16_MAX));
        }
      }
    }
  }
}

}  // namespace

const Kernel kResizeBilinearS16 = {"resize_bilinear_s16", Check, Run};
const KernelRegistration kResizeBilinearS16Registered(kResizeBilinearS16);

}  // namespace xnnlite::reference
