#include "constants.h"

#include <xnnpack.h>

namespace xnnlite {
namespace {

struct Named {
  const char* name;
  double value;
};

Napi::Object Table(Napi::Env env, std::initializer_list<Named> entries) {
  Napi::Object table = Napi::Object::New(env);
  for (const Named& entry : entries) table.Set(entry.name, Napi::Number::New(env, entry.value));
  return table;
}

}  // namespace

Napi::Object Constants(Napi::Env env) {
  Napi::Object constants = Napi::Object::New(env);
  constants.Set("datatype", Table(env, {
      {"fp32", xnn_datatype_fp32},
      {"fp16", xnn_datatype_fp16},
      {"qint8", xnn_datatype_qint8},
      {"quint8", xnn_datatype_quint8},
      {"qint32", xnn_datatype_qint32},
      {"qcint8", xnn_datatype_qcint8},
      {"qcint32", xnn_datatype_qcint32},
      {"qdint8", xnn_datatype_qdint8},
      {"int32", xnn_datatype_int32},
  }));
  constants.Set("unary", Table(env, {
      {"convert", xnn_unary_convert},
      {"clamp", xnn_unary_clamp},
      {"abs", xnn_unary_abs},
      {"bankersRounding", xnn_unary_bankers_rounding},
      {"ceiling", xnn_unary_ceiling},
      {"elu", xnn_unary_elu},
      {"exp", xnn_unary_exp},
      {"floor", xnn_unary_floor},
      {"gelu", xnn_unary_gelu},
      {"hardswish", xnn_unary_hardswish},
      {"leakyRelu", xnn_unary_leaky_relu},
      {"log", xnn_unary_log},
      {"negate", xnn_unary_negate},
      {"sigmoid", xnn_unary_sigmoid},
      {"square", xnn_unary_square},
      {"squareRoot", xnn_unary_square_root},
      {"reciprocalSquareRoot", xnn_unary_reciprocal_square_root},
      {"tanh", xnn_unary_tanh},
      {"cosine", xnn_unary_cosine},
      {"sine", xnn_unary_sine},
      {"sign", xnn_unary_sign},
  }));
  constants.Set("binary", Table(env, {
      {"add", xnn_binary_add},
      {"subtract", xnn_binary_subtract},
      {"multiply", xnn_binary_multiply},
      {"divide", xnn_binary_divide},
      {"maximum", xnn_binary_maximum},
      {"minimum", xnn_binary_minimum},
      {"copysign", xnn_binary_copysign},
      {"squaredDifference", xnn_binary_squared_difference},
      {"prelu", xnn_binary_prelu},
      {"pow", xnn_binary_pow},
  }));
  constants.Set("valueFlags", Table(env, {
      {"externalInput", XNN_VALUE_FLAG_EXTERNAL_INPUT},
      {"externalOutput", XNN_VALUE_FLAG_EXTERNAL_OUTPUT},
  }));
  constants.Set("runtimeFlags", Table(env, {
      {"hintSparseInference", XNN_FLAG_HINT_SPARSE_INFERENCE},
      {"hintFp16Inference", XNN_FLAG_HINT_FP16_INFERENCE},
      {"forceFp16Inference", XNN_FLAG_FORCE_FP16_INFERENCE},
      {"yieldWorkers", XNN_FLAG_YIELD_WORKERS},
      {"transientIndirectionBuffer", XNN_FLAG_TRANSIENT_INDIRECTION_BUFFER},
      {"basicProfiling", XNN_FLAG_BASIC_PROFILING},
  }));
  constants.Set("reduce", Table(env, {
      {"sum", xnn_reduce_sum},
      {"mean", xnn_reduce_mean},
  }));
  constants.Set("nodeFlags", Table(env, {
      {"tensorflowReshape2d", XNN_FLAG_TENSORFLOW_RESHAPE_2D},
      {"transposeWeights", XNN_FLAG_TRANSPOSE_WEIGHTS},
      {"transposeA", XNN_FLAG_TRANSPOSE_A},
      {"transposeB", XNN_FLAG_TRANSPOSE_B},
      {"tensorflowSamePadding", XNN_FLAG_TENSORFLOW_SAME_PADDING},
      {"tensorflowLegacyMode", XNN_FLAG_TENSORFLOW_LEGACY_MODE},
      {"alignCorners", XNN_FLAG_ALIGN_CORNERS},
      {"keepDims", XNN_FLAG_KEEP_DIMS},
  }));
  constants.Set("invalidValueId", Napi::Number::New(env, XNN_INVALID_VALUE_ID));
  constants.Set("maxTensorDims", Napi::Number::New(env, XNN_MAX_TENSOR_DIMS));
  constants.Set("extraBytes", Napi::Number::New(env, XNN_EXTRA_BYTES));
  return constants;
}

}  // namespace xnnlite
