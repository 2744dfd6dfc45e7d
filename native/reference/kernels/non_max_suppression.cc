// NON_MAX_SUPPRESSION_V4 and V5 (soft NMS with Gaussian weighting) on
// float32 boxes, as TFLite's reference kernel selects them:
// - candidates are the boxes whose score is above score_threshold, taken
//   greatest score first from a max-heap (ties: heap_order.h);
// - a candidate is compared with the boxes selected since it was last
//   compared, newest first: an IoU >= iou_threshold drops it; with sigma > 0
//   each comparison scales its score by exp(-0.5 / sigma * IoU^2), and a
//   candidate whose score changed goes back onto the heap (if still above
//   the threshold) instead of being selected;
// - unlike TensorFlow, TFLite also puts a selected candidate back onto the
//   heap; it comes out again and is compared with itself, so a box of zero
//   area (IoU 0 with everything) is selected repeatedly. Kept, for parity.
// Boxes are [y1, x1, y2, x2] with corners in either order. Selected indices
// (and scores) past the count are zeros.
//
// non_max_suppression_v4  inputs: boxes [N, 4], scores [N], iou_threshold, score_threshold
//                         outputs: selected_indices int32 [M], valid_outputs int32
//                         ints: N, M
// non_max_suppression_v5  inputs: as v4, then soft_nms_sigma
//                         outputs: selected_indices int32 [M], selected_scores [M], valid_outputs int32
//                         ints: N, M
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "heap_order.h"
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

// A box's extent, its corners ordered once rather than at every comparison.
struct Extent {
  float y_min, x_min, y_max, x_max, area;
};

struct Candidate {
  int32_t index;
  float score;
  // Selections [0, suppress_begin) have already been compared with this candidate.
  int32_t suppress_begin;
};

// Operands are taken in TFLite's order (a: the candidate, b: a selected box):
// with NaN coordinates, std::min and std::max depend on it.
float IntersectionOverUnion(const Extent& a, const Extent& b) {
  if (a.area <= 0 || b.area <= 0) return 0.0f;
  const float y_max = std::min(a.y_max, b.y_max);
  const float x_max = std::min(a.x_max, b.x_max);
  const float y_min = std::max(a.y_min, b.y_min);
  const float x_min = std::max(a.x_min, b.x_min);
  const float intersection = std::max(y_max - y_min, 0.0f) * std::max(x_max - x_min, 0.0f);
  return intersection / (a.area + b.area - intersection);
}

std::string Check(const Op& op, const Tensors& t, bool soft) {
  std::string e = Expect(op, t, soft ? 5 : 4, soft ? 3 : 2, 2, 0);
  if (!e.empty()) return e;
  const int64_t n = op.ints[0], m = op.ints[1];
  if (!AllPositive({n, m}) || n > std::numeric_limits<int32_t>::max()) return "bad sizes";
  for (int32_t id : op.inputs) if (id < 0) return "missing operand";
  if (!Holds(t, op.inputs[0], Mul(n, 4), 4) || !Holds(t, op.inputs[1], n, 4)) return "operand sizes";
  for (size_t k = 2; k < op.inputs.size(); k++) if (!Holds(t, op.inputs[k], 1, 4)) return "operand sizes";
  for (size_t k = 0; k + 1 < op.outputs.size(); k++) if (!Holds(t, op.outputs[k], m, 4)) return "operand sizes";
  return Holds(t, op.outputs.back(), 1, 4) ? "" : "operand sizes";
}

void ValidateSoft(const Op& op, const Tensors& t) {
  const float sigma = As<float>(t, op.inputs[4])[0];
  if (sigma < 0) throw KernelError("soft_nms_sigma " + std::to_string(sigma) + " is negative");
}

void Run(const Op& op, Tensors& t, bool soft) {
  const int64_t n = op.ints[0], m = op.ints[1];
  const float* boxes = As<float>(t, op.inputs[0]);
  const float* scores = As<float>(t, op.inputs[1]);
  const float iou_threshold = As<float>(t, op.inputs[2])[0];
  const float score_threshold = As<float>(t, op.inputs[3])[0];
  const float sigma = soft ? As<float>(t, op.inputs[4])[0] : 0.0f;
  int32_t* selected = As<int32_t>(t, op.outputs[0]);
  float* selected_scores = soft ? As<float>(t, op.outputs[1]) : nullptr;
  int32_t* valid = As<int32_t>(t, op.outputs.back());

  std::vector<Extent> extents(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; i++) {
    const float* b = boxes + 4 * i;
    Extent& e = extents[i];
    e.y_min = std::min(b[0], b[2]);
    e.y_max = std::max(b[0], b[2]);
    e.x_min = std::min(b[1], b[3]);
    e.x_max = std::max(b[1], b[3]);
    e.area = (e.y_max - e.y_min) * (e.x_max - e.x_min);
  }

  const auto less = [](const Candidate& a, const Candidate& b) { return a.score < b.score; };
  std::vector<Candidate> heap;
  heap.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; i++) {
    if (scores[i] > score_threshold) {
      heap.push_back({static_cast<int32_t>(i), scores[i], 0});
      heap_order::SiftUp(heap.data(), static_cast<ptrdiff_t>(heap.size()), less);
    }
  }

  const int64_t wanted = std::min<int64_t>(static_cast<int64_t>(heap.size()), m);
  // TFLite computes -0.5 / sigma in double and keeps it as a float.
  const float scale = sigma > 0.0f ? static_cast<float>(-0.5 / static_cast<double>(sigma)) : 0.0f;
  // Kept here, not in the outputs, until the end: a program may name one buffer for several operands.
  std::vector<int32_t> picks;
  std::vector<float> pick_scores;
  picks.reserve(static_cast<size_t>(wanted));
  pick_scores.reserve(static_cast<size_t>(wanted));
  while (static_cast<int64_t>(picks.size()) < wanted && !heap.empty()) {
    heap_order::PopHeap(heap.data(), static_cast<ptrdiff_t>(heap.size()), less);
    Candidate next = heap.back();
    heap.pop_back();
    const float original_score = next.score;
    const Extent& box = extents[next.index];
    const auto count = static_cast<int32_t>(picks.size());
    bool hard_suppressed = false;
    for (int32_t j = count - 1; j >= next.suppress_begin; j--) {
      const float iou = IntersectionOverUnion(box, extents[picks[j]]);
      if (iou >= iou_threshold) {
        hard_suppressed = true;
        break;
      }
      if (sigma > 0.0f) next.score = next.score * std::exp(scale * iou * iou);
      if (next.score <= score_threshold) break;
    }
    next.suppress_begin = count;
    if (hard_suppressed) continue;
    if (next.score == original_score) {
      picks.push_back(next.index);
      pick_scores.push_back(next.score);
    }
    if (next.score > score_threshold) {
      heap.push_back(next);
      heap_order::SiftUp(heap.data(), static_cast<ptrdiff_t>(heap.size()), less);
    }
  }
  const size_t count = picks.size();
  std::copy(picks.begin(), picks.end(), selected);
  std::fill(selected + count, selected + m, 0);
  if (selected_scores) {
    std::copy(pick_scores.begin(), pick_scores.end(), selected_scores);
    std::fill(selected_scores + count, selected_scores + m, 0.0f);
  }
  *valid = static_cast<int32_t>(count);
}

}  // namespace

const Kernel kNonMaxSuppressionV4 = {
    "non_max_suppression_v4", [](const Op& op, const Tensors& t) { return Check(op, t, false); },
    [](const Op& op, Tensors& t) { Run(op, t, false); }};
const KernelRegistration kNonMaxSuppressionV4Registered(kNonMaxSuppressionV4);
const Kernel kNonMaxSuppressionV5 = {
    "non_max_suppression_v5", [](const Op& op, const Tensors& t) { return Check(op, t, true); },
    [](const Op& op, Tensors& t) { Run(op, t, true); }, nullptr, nullptr, ValidateSoft};
const KernelRegistration kNonMaxSuppressionV5Registered(kNonMaxSuppressionV5);

}  // namespace xnnlite::reference
