// CONV_2D and DEPTHWISE_CONV_2D on int16 activations with int8 weights and
// int32/int64 biases (TFLite's int16x8 scheme): exact integer accumulation,
// then one real multiplier per output channel.
//
// ints: N, H, W, IC, OH, OW, OC, KH, KW, strideH, strideW, dilationH, dilationW,
//       padTop, padLeft, groups (conv) or depth multiplier (depthwise),
//       input zero point, output zero point, output min, output max, bias element size (0: none)
// reals: OC multipliers (input scale x weight scale / output scale)
// operands: x (int16 NHWC), filter (int8: OHWI, or 1HWO for depthwise), bias or -1 -> y (int16 NHWC)
#include <algorithm>
#include <vector>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

struct Conv {
  int64_t n, h, w, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, groups, in_zp, out_zp, lo, hi, bias_size;
  explicit Conv(const Op& op) {
    const auto& i = op.ints;
    n = i[0]; h = i[1]; w = i[2]; ic = i[3]; oh = i[4]; ow = i[5]; oc = i[6]; kh = i[7]; kw = i[8];
    sh = i[9]; sw = i[10]; dh = i[11]; dw = i[12]; pt = i[13]; pl = i[14]; groups = i[15];
    in_zp = i[16]; out_zp = i[17]; lo = i[18]; hi = i[19]; bias_size = i[20];
  }
};



std::string Check(const Op& op, const Tensors& t, bool depthwise) {
  std::string e = Expect(op, t, 3, 1, 21, 0);
  if (!e.empty()) return e;
  Conv c(op);
  if (!AllPositive({c.n, c.h, c.w, c.ic, c.oh, c.ow, c.oc, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.groups})) return "bad sizes";
  if (static_cast<int64_t>(op.reals.size()) != c.oc) return "one multiplier per output channel expected";
  if (c.bias_size != 0 && c.bias_size != 4 && c.bias_size != 8) return "bias element size";
  if (depthwise ? c.oc != c.ic * c.groups : (c.ic % c.groups != 0 || c.oc % c.groups != 0)) return "channel counts";
  const int64_t filter = depthwise ? Product({c.kh, c.kw, c.oc}) : Product({c.oc, c.kh, c.kw, c.ic / c.groups});
  if (!Holds(t, op.inputs[0], Product({c.n, c.h, c.w, c.ic}), 2) || !Holds(t, op.inputs[1], filter, 1) ||
      !Holds(t, op.outputs[0], Product({c.n, c.oh, c.ow, c.oc}), 2)) return "operand sizes";
  if (c.bias_size != 0 && !Holds(t, op.inputs[2], c.oc, c.bias_size)) return "bias size";
  return "";
}

// One task: output row `task` (of batch x height). Per output pixel and
// group, gathers the input window into one patch laid out like a filter row
// (KH x KW x group channels; outside the input it holds the zero point, so
// it adds nothing), then takes one dot product per output channel: long
// contiguous loops whatever the channel count.
void ConvolutionRow(const Op& op, Tensors& t, size_t task) {
  Conv c(op);
  const int16_t* x = As<int16_t>(t, op.inputs[0]);
  const int8_t* f = As<int8_t>(t, op.inputs[1]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  const int64_t group_in = c.ic / c.groups;
  const int64_t group_out = c.oc / c.groups;
  const int64_t window = c.kh * c.kw * group_in;
  std::vector<int16_t> patch(window);
  const int64_t b = static_cast<int64_t>(task) / c.oh;
  const int64_t oy = static_cast<int64_t>(task) % c.oh;
  for (int64_t ox = 0; ox < c.ow; ox++) {
    int16_t* out = y + ((b * c.oh + oy) * c.ow + ox) * c.oc;
    for (int64_t g = 0; g < c.groups; g++) {
      for (int64_t ky = 0; ky < c.kh; ky++) {
        const int64_t iy = oy * c.sh - c.pt + ky * c.dh;
        for (int64_t kx = 0; kx < c.kw; kx++) {
          const int64_t ix = ox * c.sw - c.pl + kx * c.dw;
          int16_t* dst = patch.data() + (ky * c.kw + kx) * group_in;
          if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) {
            std::fill(dst, dst + group_in, static_cast<int16_t>(c.in_zp));
          } else {
            const int16_t* src = x + ((b * c.h + iy) * c.w + ix) * c.ic + g * group_in;
            std::copy(src, src + group_in, dst);
          }
        }
      }
      for (int64_t o = g * group_out; o < (g + 1) * group_out; o++) {
        const int64_t acc = Bias(t, op.inputs[2], c.bias_size, o) + DotS16S8(patch.data(), f + o * window, window, c.in_zp);
        out[o] = static_cast<int16_t>(Requantize(static_cast<double>(acc) * op.reals[o], c.out_zp, c.lo, c.hi));
      }
    }
  }
}

// One task: output row `task`. Accumulates each output pixel over all
// channels at once, window position by window position, so the inner loop
// runs along contiguous channels.
void DepthwiseRow(const Op& op, Tensors& t, size_t task) {
  Conv c(op);
  const int16_t* x = As<int16_t>(t, op.inputs[0]);
  const int8_t* f = As<int8_t>(t, op.inputs[1]);
  int16_t* y = As<int16_t>(t, op.outputs[0]);
  const int64_t multiplier = c.groups;
  const int32_t zp = static_cast<int32_t>(c.in_zp);
  std::vector<int64_t> acc(c.oc);
  const int64_t b = static_cast<int64_t>(task) / c.oh;
  const int64_t oy = static_cast<int64_t>(task) % c.oh;
  for (int64_t ox = 0; ox < c.ow; ox++) {
    for (int64_t o = 0; o < c.oc; o++) acc[o] = Bias(t, op.inputs[2], c.bias_size, o);
    for (int64_t ky = 0; ky < c.kh; ky++) {
      const int64_t iy = oy * c.sh - c.pt + ky * c.dh;
      if (iy < 0 || iy >= c.h) continue;
      for (int64_t kx = 0; kx < c.kw; kx++) {
        const int64_t ix = ox * c.sw - c.pl + kx * c.dw;
        if (ix < 0 || ix >= c.w) continue;
        const int16_t* in = x + ((b * c.h + iy) * c.w + ix) * c.ic;
        const int8_t* k = f + (ky * c.kw + kx) * c.oc;
        if (multiplier == 1) {
          for (int64_t o = 0; o < c.oc; o++) acc[o] += (static_cast<int32_t>(in[o]) - zp) * static_cast<int32_t>(k[o]);
        } else {
          for (int64_t o = 0; o < c.oc; o++) acc[o] += (static_cast<int32_t>(in[o / multiplier]) - zp) * static_cast<int32_t>(k[o]);
        }
      }
    }
    int16_t* out = y + ((b * c.oh + oy) * c.ow + ox) * c.oc;
    for (int64_t o = 0; o < c.oc; o++) out[o] = static_cast<int16_t>(Requantize(static_cast<double>(acc[o]) * op.reals[o], c.out_zp, c.lo, c.hi));
  }
}

size_t Rows(const Op& op) { return static_cast<size_t>(op.ints[0] * op.ints[4]); }

void RunConvolution(const Op& op, Tensors& t) {
  for (size_t row = 0; row < Rows(op); row++) ConvolutionRow(op, t, row);
}

void RunDepthwise(const Op& op, Tensors& t) {
  for (size_t row = 0; row < Rows(op); row++) DepthwiseRow(op, t, row);
}

}  // namespace

const Kernel kConv2dS16 = {"conv2d_s16", [](const Op& op, const Tensors& t) { return Check(op, t, false); },
                           RunConvolution, Rows, ConvolutionRow};
const KernelRegistration kConv2dS16Registered(kConv2dS16);
const Kernel kDepthwiseConv2dS16 = {"depthwise_conv2d_s16", [](const Op& op, const Tensors& t) { return Check(op, t, true); },
                                    RunDepthwise, Rows, DepthwiseRow};
const KernelRegistration kDepthwiseConv2dS16Registered(kDepthwiseConv2dS16);

}  // namespace xnnlite::reference
