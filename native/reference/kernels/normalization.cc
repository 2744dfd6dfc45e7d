// Normalizations over the last dimension of a float32 tensor (seen as
// [outer, depth]), as TFLite computes them:
//   LOG_SOFTMAX: x - max - log(sum(exp(x - max)))
//   L2_NORMALIZATION: x / max(sqrt(sum(x^2)), 1e-6)
//   LOCAL_RESPONSE_NORMALIZATION: x * (bias + alpha * sum of x^2 over the
//     channels within `radius` on either side, both ends included)^-beta,
//     the window TFLite's optimized kernel (and TensorFlow) sums.
//
// log_softmax, l2_normalization                ints: outer, depth
// local_response_normalization                 ints: outer, depth, radius   reals: bias, alpha, beta
// Tasks split the rows into ranges.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

constexpr int64_t kElementsPerTask = 1 << 14;

template <size_t kInts, size_t kReals>
std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 1, 1, kInts, kReals);
  if (!e.empty()) return e;
  const int64_t outer = op.ints[0], depth = op.ints[1];
  if (!AllPositive({outer, depth}) || (kInts > 2 && op.ints[2] < 0)) return "bad sizes";
  return Holds(t, op.inputs[0], Mul(outer, depth), 4) && Holds(t, op.outputs[0], Mul(outer, depth), 4) ? "" : "operand sizes";
}

size_t TaskCount(const Op& op) {
  const int64_t outer = op.ints[0];
  return static_cast<size_t>(std::max<int64_t>(1, std::min(outer, outer * op.ints[1] / kElementsPerTask)));
}

// Calls row(x, y) for the rows of `task` (of TaskCount), or for all of them when task is -1.
template <typename Row>
void ForRows(const Op& op, Tensors& t, int64_t task, Row row) {
  const int64_t outer = op.ints[0], depth = op.ints[1];
  const auto tasks = static_cast<int64_t>(TaskCount(op));
  const int64_t begin = task < 0 ? 0 : outer * task / tasks, end = task < 0 ? outer : outer * (task + 1) / tasks;
  const float* x = As<float>(t, op.inputs[0]);
  float* y = As<float>(t, op.outputs[0]);
  for (int64_t r = begin; r < end; r++) row(x + r * depth, y + r * depth, depth);
}

void LogSoftmax(const Op& op, Tensors& t, int64_t task) {
  ForRows(op, t, task, [](const float* x, float* y, int64_t depth) {
    float peak = x[0];
    for (int64_t k = 1; k < depth; k++) peak = std::max(peak, x[k]);
    double sum = 0;
    for (int64_t k = 0; k < depth; k++) sum += std::exp(static_cast<double>(x[k] - peak));
    const auto log_sum = static_cast<float>(std::log(sum));
    for (int64_t k = 0; k < depth; k++) y[k] = x[k] - peak - log_sum;
  });
}

void L2Normalization(const Op& op, Tensors& t, int64_t task) {
  ForRows(op, t, task, [](const float* x, float* y, int64_t depth) {
    double squares = 0;
    for (int64_t k = 0; k < depth; k++) squares += static_cast<double>(x[k]) * x[k];
    const float norm = std::max(static_cast<float>(std::sqrt(squares)), 1e-6f);
    for (int64_t k = 0; k < depth; k++) y[k] = x[k] / norm;
  });
}

void LocalResponseNormalization(const Op& op, Tensors& t, int64_t task) {
  const int64_t radius = op.ints[2];
  const double bias = op.reals[0], alpha = op.reals[1], beta = op.reals[2];
  ForRows(op, t, task, [=](const float* x, float* y, int64_t depth) {
    for (int64_t c = 0; c < depth; c++) {
      const int64_t from = std::max<int64_t>(0, c - radius), to = std::min<int64_t>(depth - 1, c + std::min(radius, depth));
      double squares = 0;
      for (int64_t k = from; k <= to; k++) squares += static_cast<double>(x[k]) * x[k];
      y[c] = static_cast<float>(x[c] * std::pow(bias + alpha * squares, -beta));
    }
  });
}

}  // namespace

const Kernel kLogSoftmax = {"log_softmax", Check<2, 0>, [](const Op& op, Tensors& t) { LogSoftmax(op, t, -1); }, TaskCount,
                            [](const Op& op, Tensors& t, size_t task) { LogSoftmax(op, t, static_cast<int64_t>(task)); }};
const KernelRegistration kLogSoftmaxRegistered(kLogSoftmax);
const Kernel kL2Normalization = {"l2_normalization", Check<2, 0>, [](const Op& op, Tensors& t) { L2Normalization(op, t, -1); }, TaskCount,
                                 [](const Op& op, Tensors& t, size_t task) { L2Normalization(op, t, static_cast<int64_t>(task)); }};
const KernelRegistration kL2NormalizationRegistered(kL2Normalization);
const Kernel kLocalResponseNormalization = {
    "local_response_normalization", Check<3, 3>, [](const Op& op, Tensors& t) { LocalResponseNormalization(op, t, -1); }, TaskCount,
    [](const Op& op, Tensors& t, size_t task) { LocalResponseNormalization(op, t, static_cast<int64_t>(task)); }};
const KernelRegistration kLocalResponseNormalizationRegistered(kLocalResponseNormalization);

}  // namespace xnnlite::reference
