#include "kernels.h"

#include <string>

namespace xnnlite::reference {

const Kernel* FindKernel(const std::string& name) {
  static const Kernel* const kAll[] = {
      &kConv2dS16, &kDepthwiseConv2dS16, &kFullyConnectedS16, &kBinaryS16, &kMaxPoolS16, &kAveragePoolS16, &kMeanS16, &kSoftmaxS16,
      &kCopy, &kConcatenation, &kLogisticS16, &kTanhS16, &kRequantizeS16, &kQuantizeF32S16, &kDequantizeS16F32, &kResizeBilinearS16,
      &kCast,
      &kLayoutGather, &kLayoutScatter,
      &kNonMaxSuppressionV4, &kNonMaxSuppressionV5, &kDetectionPostprocess,
      &kGather, &kEmbeddingLookupDequantize, &kGatherNd, &kScatterNd, &kOneHot, &kArgMinMax, &kTopK, &kSelect, &kCumsum,
      &kShape, &kFill, &kRange, &kWhere,
      &kBroadcastBinary, &kCompare, &kMathUnary, &kReduceAxes,
  };
  for (const Kernel* k : kAll) {
    if (name == k->name) return k;
  }
  return nullptr;
}

}  // namespace xnnlite::reference
