// Every reference kernel; kernels.cc lists them in the one lookup table.
#pragma once

#include "../program.h"

namespace xnnlite::reference {

extern const Kernel kConv2dS16;
extern const Kernel kDepthwiseConv2dS16;
extern const Kernel kFullyConnectedS16;
extern const Kernel kBinaryS16;
extern const Kernel kMaxPoolS16;
extern const Kernel kAveragePoolS16;
extern const Kernel kMeanS16;
extern const Kernel kSoftmaxS16;
extern const Kernel kCopy;
extern const Kernel kConcatenation;
extern const Kernel kLogisticS16;
extern const Kernel kTanhS16;
extern const Kernel kRequantizeS16;
extern const Kernel kQuantizeF32S16;
extern const Kernel kDequantizeS16F32;
extern const Kernel kResizeBilinearS16;
extern const Kernel kCast;
extern const Kernel kLayoutGather;
extern const Kernel kLayoutScatter;
extern const Kernel kNonMaxSuppressionV4;
extern const Kernel kNonMaxSuppressionV5;
extern const Kernel kDetectionPostprocess;
extern const Kernel kGather;
extern const Kernel kEmbeddingLookupDequantize;
extern const Kernel kGatherNd;
extern const Kernel kScatterNd;
extern const Kernel kOneHot;
extern const Kernel kArgMinMax;
extern const Kernel kTopK;
extern const Kernel kSelect;
extern const Kernel kCumsum;
extern const Kernel kShape;
extern const Kernel kFill;
extern const Kernel kRange;
extern const Kernel kWhere;
extern const Kernel kBroadcastBinary;
extern const Kernel kCompare;
extern const Kernel kMathUnary;
extern const Kernel kReduceAxes;

}  // namespace xnnlite::reference
