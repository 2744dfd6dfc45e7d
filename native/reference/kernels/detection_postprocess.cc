// TFLite_Detection_PostProcess (the last operator of SSD models), as
// TFLite's kernel computes it:
// - box encodings [ty, tx, th, tw, ...] decode against anchors [y, x, h, w]
//   in double: center = t / scale * anchor size + anchor center,
//   half size = 0.5 * exp(t / scale) * anchor size; corners in float. A box
//   with ymin > ymax or xmin > xmax (a negative anchor size) fails the run;
// - uint8 encodings, anchors and class predictions are dequantized first;
// - single-class NMS keeps scores >= the score threshold, orders them by
//   score (stable: ties keep the lower anchor first), and drops boxes whose
//   IoU with a selected box is > the IoU threshold;
// - fast NMS runs it once on each anchor's best class score and reports the
//   anchor's top classes (std::partial_sort order, see heap_order.h);
//   regular NMS runs it per class and merges the results by score (stable:
//   ties keep the earlier class first), keeping max_detections.
// Rows past the detections are zeros (TFLite leaves some unwritten).
//
// detection_postprocess
//   inputs: box encodings [N, code size], class predictions [N, classes with background], anchors [N, 4]
//   outputs: boxes [max_detections * max_classes_per_detection, 4], classes, scores, num_detections [1] (all float32)
//   ints: N, code size, classes with background, classes, max_detections, max_classes_per_detection,
//         detections_per_class, regular NMS (0/1), element type of encodings, of predictions, of anchors (kF32 or kU8)
//   reals: score threshold, IoU threshold, y, x, h, w scales, then scale and zero point of encodings, predictions, anchors
#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>
#include <vector>

#include "heap_order.h"
#include "../program.h"
#include "util.h"

namespace xnnlite::reference {
namespace {

struct Corners {
  float ymin, xmin, ymax, xmax;
};

struct Detection {
  float score;
  int32_t anchor;
  int32_t class_index;
};

struct Params {
  int64_t boxes, code_size, classes_with_background, classes, max_detections, max_per_detection, per_class;
  bool regular;
  float score_threshold, iou_threshold;
};

Params ParamsOf(const Op& op) {
  const auto& i = op.ints;
  return {i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7] != 0, static_cast<float>(op.reals[0]), static_cast<float>(op.reals[1])};
}

std::string Check(const Op& op, const Tensors& t) {
  std::string e = Expect(op, t, 3, 4, 11, 12);
  if (!e.empty()) return e;
  for (int32_t id : op.inputs) if (id < 0) return "missing operand";
  const Params p = ParamsOf(op);
  if (!AllPositive({p.boxes, p.code_size, p.classes_with_background, p.classes, p.max_detections, p.max_per_detection, p.per_class}) ||
      p.boxes > std::numeric_limits<int32_t>::max() || p.code_size < 4 || p.classes_with_background - p.classes < 0 ||
      p.classes_with_background - p.classes > 1) {
    return "bad sizes";
  }
  const int64_t encodings = op.ints[8], predictions = op.ints[9], anchors = op.ints[10];
  for (int64_t type : {encodings, predictions, anchors}) if (type != kF32 && type != kU8) return "element types";
  if ((encodings == kF32) != (anchors == kF32)) return "element types";
  // Reals become floats, zero points ints: a value neither can hold would be undefined behaviour.
  for (double r : op.reals) if (std::isfinite(r) && std::fabs(r) > std::numeric_limits<float>::max()) return "parameters";
  for (size_t k : {7, 9, 11}) if (!(op.reals[k] >= 0 && op.reals[k] <= 255)) return "parameters";
  const int64_t rows = Mul(p.max_detections, p.max_per_detection);
  if (!Holds(t, op.inputs[0], Mul(p.boxes, p.code_size), ElementBytes(encodings)) ||
      !Holds(t, op.inputs[1], Mul(p.boxes, p.classes_with_background), ElementBytes(predictions)) ||
      !Holds(t, op.inputs[2], Mul(p.boxes, 4), ElementBytes(anchors)) || rows > std::numeric_limits<int32_t>::max() ||
      !Holds(t, op.outputs[0], Mul(rows, 4), 4) || !Holds(t, op.outputs[1], rows, 4) || !Holds(t, op.outputs[2], rows, 4) ||
      !Holds(t, op.outputs[3], 1, 4)) {
    return "operand sizes";
  }
  return "";
}

// TFLite's Dequantizer: the zero point as an int, the difference and product in float.
inline float Dequantize(uint8_t q, int32_t zero_point, float scale) {
  return (static_cast<float>(q) - static_cast<float>(zero_point)) * scale;
}

// Reads box `i`'s first four encodings or its anchor as floats.
void Load4(const Tensors& t, int32_t id, int64_t type, int64_t offset, float scale, int32_t zero_point, float out[4]) {
  if (type == kF32) {
    const float* v = As<float>(t, id) + offset;
    for (int k = 0; k < 4; k++) out[k] = v[k];
  } else {
    const uint8_t* v = As<uint8_t>(t, id) + offset;
    for (int k = 0; k < 4; k++) out[k] = Dequantize(v[k], zero_point, scale);
  }
}

void Decode(const Op& op, const Tensors& t, const Params& p, std::vector<Corners>& boxes) {
  const double y_scale = static_cast<float>(op.reals[2]), x_scale = static_cast<float>(op.reals[3]);
  const double h_scale = static_cast<float>(op.reals[4]), w_scale = static_cast<float>(op.reals[5]);
  const int64_t encoding_type = op.ints[8], anchor_type = op.ints[10];
  for (int64_t i = 0; i < p.boxes; i++) {
    float code[4], anchor[4];  // [y, x, h, w]
    Load4(t, op.inputs[0], encoding_type, i * p.code_size, static_cast<float>(op.reals[6]), static_cast<int32_t>(op.reals[7]), code);
    Load4(t, op.inputs[2], anchor_type, i * 4, static_cast<float>(op.reals[10]), static_cast<int32_t>(op.reals[11]), anchor);
    const float y_center = static_cast<float>(code[0] / y_scale * anchor[2] + anchor[0]);
    const float x_center = static_cast<float>(code[1] / x_scale * anchor[3] + anchor[1]);
    const float half_h = static_cast<float>(0.5 * std::exp(code[2] / h_scale) * anchor[2]);
    const float half_w = static_cast<float>(0.5 * std::exp(code[3] / w_scale) * anchor[3]);
    const Corners c = {y_center - half_h, x_center - half_w, y_center + half_h, x_center + half_w};
    if (c.ymin > c.ymax || c.xmin > c.xmax) {
      throw KernelError("box " + std::to_string(i) + " decodes to corners (" + std::to_string(c.ymin) + ", " + std::to_string(c.xmin) + ", " +
                        std::to_string(c.ymax) + ", " + std::to_string(c.xmax) + ") with a negative height or width");
    }
    boxes[i] = c;
  }
}

// Greedy single-class NMS over `scores` (one per anchor); appends the selected anchors to `selected`, best first.
class SingleClassNms {
 public:
  SingleClassNms(const std::vector<Corners>& boxes, float score_threshold, float iou_threshold)
      : boxes_(boxes), score_threshold_(score_threshold), iou_threshold_(iou_threshold) {
    kept_.reserve(boxes.size());
    for (auto* v : {&ymin_, &xmin_, &ymax_, &xmax_, &area_}) v->reserve(boxes.size());
    active_.reserve(boxes.size());
  }

  void Select(const float* scores, int64_t max_selected, std::vector<int32_t>& selected) {
    selected.clear();
    kept_.clear();
    for (size_t i = 0; i < boxes_.size(); i++) if (scores[i] >= score_threshold_) kept_.push_back(static_cast<int32_t>(i));
    std::stable_sort(kept_.begin(), kept_.end(), [scores](int32_t a, int32_t b) { return scores[a] > scores[b]; });
    const size_t kept = kept_.size();
    const size_t wanted = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(kept), max_selected));
    if (wanted == 0) return;
    // The kept boxes in score order, one array per coordinate: the suppression loop below reads them in sequence.
    for (auto* v : {&ymin_, &xmin_, &ymax_, &xmax_, &area_}) v->resize(kept);
    for (size_t k = 0; k < kept; k++) {
      const Corners& c = boxes_[kept_[k]];
      ymin_[k] = c.ymin, xmin_[k] = c.xmin, ymax_[k] = c.ymax, xmax_[k] = c.xmax;
      area_[k] = (c.ymax - c.ymin) * (c.xmax - c.xmin);
    }
    active_.assign(kept, 1);
    for (size_t i = 0; i < kept && selected.size() < wanted; i++) {
      if (!active_[i]) continue;
      selected.push_back(kept_[i]);
      // Once the last box is selected, what it would suppress no longer matters.
      if (selected.size() == wanted) break;
      Suppress(i);
    }
  }

 private:
  // Drops the boxes after `i` whose IoU with box i is above the threshold. TFLite's IoU is 0 when
  // an area is not positive and 0 (or NaN) without overlap; neither exceeds a threshold above 0.
  // For the others this is its division (same operands, same order); branch-free so that it
  // vectorizes (what it computes for the rest is discarded).
  void Suppress(size_t i) {
    const float area_i = area_[i];
    if (!(area_i > 0)) return;
    const float ymin_i = ymin_[i], xmin_i = xmin_[i], ymax_i = ymax_[i], xmax_i = xmax_[i];
    const float threshold = iou_threshold_;
    const float *ymin = ymin_.data(), *xmin = xmin_.data(), *ymax = ymax_.data(), *xmax = xmax_.data(), *area = area_.data();
    uint8_t* active = active_.data();
    for (size_t j = i + 1, kept = kept_.size(); j < kept; j++) {
      const float height = std::min(ymax_i, ymax[j]) - std::max(ymin_i, ymin[j]);
      const float width = std::min(xmax_i, xmax[j]) - std::max(xmin_i, xmin[j]);
      const float intersection = height * width;
      const float iou = intersection / (area_i + area[j] - intersection);
      const bool suppressed = (height > 0) & (width > 0) & (area[j] > 0) & (iou > threshold);
      active[j] &= static_cast<uint8_t>(!suppressed);
    }
  }

  const std::vector<Corners>& boxes_;
  const float score_threshold_, iou_threshold_;
  std::vector<int32_t> kept_;
  std::vector<float> ymin_, xmin_, ymax_, xmax_, area_;
  std::vector<uint8_t> active_;
};

// The index of the greatest value, the first one on ties; NaNs are skipped (TFLite's current
// ArgMaxVector; the older one in LiteRT.js 2.5 stops at a NaN in the first place, and picks it).
int32_t ArgMax(const float* values, int64_t n) {
  int32_t best = 0;
  float best_value = values[0];
  for (int64_t i = 1; i < n; i++) {
    if (!std::isnan(values[i]) && (std::isnan(best_value) || values[i] > best_value)) {
      best_value = values[i];
      best = static_cast<int32_t>(i);
    }
  }
  return std::isnan(best_value) ? 0 : best;
}

struct Outputs {
  Corners* boxes;
  float* classes;
  float* scores;
  float* count;
};

void Fast(const Params& p, const float* scores, const std::vector<Corners>& boxes, SingleClassNms& nms, const Outputs& out) {
  const int64_t label_offset = p.classes_with_background - p.classes;
  const int64_t per_anchor = std::min(p.max_per_detection, p.classes);
  std::vector<int32_t> top_classes(static_cast<size_t>(p.boxes * (per_anchor == 1 ? 1 : p.classes)));
  std::vector<float> best_scores(static_cast<size_t>(p.boxes));
  for (int64_t row = 0; row < p.boxes; row++) {
    const float* row_scores = scores + row * p.classes_with_background + label_offset;
    if (per_anchor == 1) {
      top_classes[row] = ArgMax(row_scores, p.classes);
      best_scores[row] = row_scores[top_classes[row]];
      continue;
    }
    int32_t* order = top_classes.data() + row * p.classes;
    std::iota(order, order + p.classes, 0);
    heap_order::PartialSort(order, per_anchor, p.classes, [row_scores](int32_t a, int32_t b) { return row_scores[a] > row_scores[b]; });
    best_scores[row] = row_scores[order[0]];
  }
  std::vector<int32_t> selected;
  nms.Select(best_scores.data(), p.max_detections, selected);
  for (size_t k = 0; k < selected.size(); k++) {
    const int32_t anchor = selected[k];
    const float* row_scores = scores + anchor * p.classes_with_background + label_offset;
    const int32_t* order = top_classes.data() + anchor * (per_anchor == 1 ? 1 : p.classes);
    for (int64_t c = 0; c < per_anchor; c++) {
      const int64_t row = static_cast<int64_t>(k) * p.max_per_detection + c;
      out.boxes[row] = boxes[anchor];
      out.classes[row] = static_cast<float>(order[c]);
      out.scores[row] = row_scores[order[c]];
    }
  }
  *out.count = static_cast<float>(selected.size());
}

void Regular(const Params& p, const float* scores, const std::vector<Corners>& boxes, SingleClassNms& nms, const Outputs& out) {
  const int64_t label_offset = p.classes_with_background - p.classes;
  const int64_t per_class = std::min(p.per_class, p.max_detections);
  std::vector<float> class_scores(static_cast<size_t>(p.boxes));
  std::vector<int32_t> selected;
  std::vector<Detection> best, merged, found;
  for (int64_t c = 0; c < p.classes; c++) {
    const float* column = scores + c + label_offset;
    for (int64_t row = 0; row < p.boxes; row++) class_scores[row] = column[row * p.classes_with_background];
    nms.Select(class_scores.data(), per_class, selected);
    if (selected.empty()) continue;
    found.clear();
    for (int32_t anchor : selected) found.push_back({class_scores[anchor], anchor, static_cast<int32_t>(c)});
    // Stable: on equal scores, detections of earlier classes stay first.
    merged.clear();
    std::merge(best.begin(), best.end(), found.begin(), found.end(), std::back_inserter(merged),
               [](const Detection& a, const Detection& b) { return a.score > b.score; });
    if (merged.size() > static_cast<size_t>(p.max_detections)) merged.resize(static_cast<size_t>(p.max_detections));
    best.swap(merged);
  }
  for (size_t k = 0; k < best.size(); k++) {
    out.boxes[k] = boxes[best[k].anchor];
    out.classes[k] = static_cast<float>(best[k].class_index);
    out.scores[k] = best[k].score;
  }
  *out.count = static_cast<float>(best.size());
}

void Run(const Op& op, Tensors& t) {
  const Params p = ParamsOf(op);
  std::vector<Corners> boxes(static_cast<size_t>(p.boxes));
  Decode(op, t, p, boxes);

  const int64_t score_count = p.boxes * p.classes_with_background;
  std::vector<float> dequantized;
  const float* scores = As<float>(t, op.inputs[1]);
  if (op.ints[9] == kU8) {
    // TFLite's Dequantize: the float scale as a double times the integer difference, rounded to float.
    const double scale = static_cast<float>(op.reals[8]);
    const int32_t zero_point = static_cast<int32_t>(op.reals[9]);
    const uint8_t* q = As<uint8_t>(t, op.inputs[1]);
    dequantized.resize(static_cast<size_t>(score_count));
    for (int64_t i = 0; i < score_count; i++) dequantized[i] = static_cast<float>(scale * (static_cast<int32_t>(q[i]) - zero_point));
    scores = dequantized.data();
  }

  const int64_t rows = p.max_detections * p.max_per_detection;
  const Outputs out = {reinterpret_cast<Corners*>(As<float>(t, op.outputs[0])), As<float>(t, op.outputs[1]), As<float>(t, op.outputs[2]),
                       As<float>(t, op.outputs[3])};
  std::fill(out.boxes, out.boxes + rows, Corners{0, 0, 0, 0});
  std::fill(out.classes, out.classes + rows, 0.0f);
  std::fill(out.scores, out.scores + rows, 0.0f);
  SingleClassNms nms(boxes, p.score_threshold, p.iou_threshold);
  if (p.regular) {
    Regular(p, scores, boxes, nms, out);
  } else {
    Fast(p, scores, boxes, nms, out);
  }
}

}  // namespace

const Kernel kDetectionPostprocess = {"detection_postprocess", Check, Run};
const KernelRegistration kDetectionPostprocessRegistered(kDetectionPostprocess);

}  // namespace xnnlite::reference
