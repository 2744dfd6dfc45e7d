#include "subgraph.h"

#include <string>
#include <vector>

#include "addon_data.h"
#include "args.h"
#include "checked_math.h"
#include "datatype.h"
#include "guards.h"
#include "js_views.h"
#include "xnn_error.h"

namespace xnnlite {
namespace {

constexpr napi_type_tag kSubgraphTag = {0x3b5d7f9a1c3e5a72ULL, 0xe4f6a8c0b2d4f6a8ULL};

}  // namespace

Subgraph* Subgraph::FromValue(Napi::Env env, const Napi::Value& value) {
  bool tagged = false;
  if (!value.IsObject() || napi_check_object_type_tag(env, value, &kSubgraphTag, &tagged) != napi_ok || !tagged) return nullptr;
  return Subgraph::Unwrap(value.As<Napi::Object>());
}

Napi::Function Subgraph::Define(Napi::Env env) {
  return DefineClass(env, "Subgraph", {
      InstanceMethod<&Subgraph::DefineTensor>("defineTensor"),
      InstanceMethod<&Subgraph::DefineFp16Tensor>("defineFp16Tensor"),
      InstanceMethod<&Subgraph::DefineQuantizedTensor>("defineQuantizedTensor"),
      InstanceMethod<&Subgraph::DefineChannelwiseQuantizedTensor>("defineChannelwiseQuantizedTensor"),
      InstanceMethod<&Subgraph::DefineDynamicallyQuantizedTensor>("defineDynamicallyQuantizedTensor"),
      InstanceMethod<&Subgraph::DefineUnary>("defineUnary"),
      InstanceMethod<&Subgraph::DefineBinary>("defineBinary"),
      InstanceMethod<&Subgraph::DefineFullyConnected>("defineFullyConnected"),
      InstanceMethod<&Subgraph::DefineConvolution2d>("defineConvolution2d"),
      InstanceMethod<&Subgraph::DefineDeconvolution2d>("defineDeconvolution2d"),
      InstanceMethod<&Subgraph::DefineDepthwiseConvolution2d>("defineDepthwiseConvolution2d"),
      InstanceMethod<&Subgraph::DefineAveragePooling2d>("defineAveragePooling2d"),
      InstanceMethod<&Subgraph::DefineMaxPooling2d>("defineMaxPooling2d"),
      InstanceMethod<&Subgraph::DefineStaticConstantPad>("defineStaticConstantPad"),
      InstanceMethod<&Subgraph::DefineStaticReshape>("defineStaticReshape"),
      InstanceMethod<&Subgraph::DefineConcatenate>("defineConcatenate"),
      InstanceMethod<&Subgraph::DefineEvenSplit>("defineEvenSplit"),
      InstanceMethod<&Subgraph::DefineStaticSlice>("defineStaticSlice"),
      InstanceMethod<&Subgraph::DefineStaticTranspose>("defineStaticTranspose"),
      InstanceMethod<&Subgraph::DefineStaticResizeBilinear2d>("defineStaticResizeBilinear2d"),
      InstanceMethod<&Subgraph::DefineDepthToSpace2d>("defineDepthToSpace2d"),
      InstanceMethod<&Subgraph::DefineSpaceToDepth2d>("defineSpaceToDepth2d"),
      InstanceMethod<&Subgraph::DefineSoftmax>("defineSoftmax"),
      InstanceMethod<&Subgraph::DefineStaticReduce>("defineStaticReduce"),
      InstanceMethod<&Subgraph::DefineBatchMatrixMultiply>("defineBatchMatrixMultiply"),
      InstanceMethod<&Subgraph::DefineCopy>("defineCopy"),
      InstanceMethod<&Subgraph::Dispose>("dispose"),
  });
}

// new Subgraph(externalValueCount)
Subgraph::Subgraph(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Subgraph>(info) {
  Napi::Env env = info.Env();
  TagReceiver(info, kSubgraphTag);
  if (!EnsureInitialized(env)) return;
  Args a(info, "Subgraph(externalValueCount)");
  external_value_count_ = a.U32(0);
  if (!a.Valid()) return;
  xnn_status status = xnn_create_subgraph(external_value_count_, 0, &subgraph_);
  if (status != xnn_status_success) {
    subgraph_ = nullptr;
    MakeXnnError(env, "xnn_create_subgraph", status).ThrowAsJavaScriptException();
    return;
  }
  static_data_ = std::make_unique<StaticData>();
  lazy_ = std::make_unique<LazyWeights>();
}

Subgraph::~Subgraph() {
  if (subgraph_ != nullptr) xnn_delete_subgraph(subgraph_);
}

void Subgraph::Release() {
  if (subgraph_ != nullptr) xnn_delete_subgraph(subgraph_);
  subgraph_ = nullptr;
  static_data_.reset();
  externals_.clear();
  static_ids_.clear();
  lazy_.reset();
}

SubgraphParts Subgraph::Take() {
  SubgraphParts parts;
  parts.subgraph = subgraph_;
  parts.static_data = std::move(static_data_);
  parts.externals = std::move(externals_);
  parts.static_ids = std::move(static_ids_);
  parts.lazy = std::move(lazy_);
  subgraph_ = nullptr;
  externals_.clear();
  return parts;
}

bool Subgraph::EnsureOpen(Napi::Env env) {
  if (subgraph_ != nullptr) return true;
  Napi::Error e = Napi::Error::New(env, "Subgraph has been disposed (or already used to create a runtime)");
  e.Set("code", Napi::String::New(env, "ERR_XNNLITE_DISPOSED"));
  e.ThrowAsJavaScriptException();
  return false;
}

Napi::Value Subgraph::Result(Napi::Env env, const char* call, xnn_status status) {
  if (status != xnn_status_success) MakeXnnError(env, call, status).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool Subgraph::StaticDataArg(const Napi::CallbackInfo& info, size_t index, size_t bytes, StaticArg* arg) {
  Napi::Env env = info.Env();
  *arg = StaticArg{};
  if (index >= info.Length() || info[index].IsNull() || info[index].IsUndefined()) return true;
  if (!GetByteView(info[index], &arg->view)) {
    Napi::TypeError::New(env, "static data must be an ArrayBufferView or null").ThrowAsJavaScriptException();
    return false;
  }
  if (arg->view.length < bytes) {
    Napi::TypeError::New(env, "static data is smaller than the tensor (" + std::to_string(arg->view.length) +
                                  " bytes, the tensor needs " + std::to_string(bytes) + ")")
        .ThrowAsJavaScriptException();
    return false;
  }
  arg->present = true;
  arg->bytes = bytes;
  return true;
}

bool Subgraph::KeepStatic(Napi::Env env, const StaticArg& arg, const Napi::Value& cache_id, const void** data) {
  *data = nullptr;
  if (!arg.present) return true;
  *data = static_data_->Keep(arg.view.data, arg.bytes);
  if (*data == nullptr) {
    MakeXnnError(env, "aligned_alloc", xnn_status_out_of_memory).ThrowAsJavaScriptException();
    return false;
  }
  if (cache_id.IsNumber()) static_ids_.emplace(*data, cache_id.As<Napi::Number>().Uint32Value());
  return true;
}

void Subgraph::RecordExternal(uint32_t id, xnn_datatype datatype, uint32_t flags) {
  if ((flags & (XNN_VALUE_FLAG_EXTERNAL_INPUT | XNN_VALUE_FLAG_EXTERNAL_OUTPUT)) != 0) externals_[id] = ExternalValue{datatype, flags};
}

namespace {

// Reads the optional cache id argument (a number) without running JS.
Napi::Value CacheIdArg(const Napi::CallbackInfo& info, size_t index) {
  return index < info.Length() && info[index].IsNumber() ? info[index] : info.Env().Undefined();
}

}  // namespace

bool Subgraph::TensorBytes(Napi::Env env, const std::vector<size_t>& dims, size_t element_size, size_t* bytes) {
  if (CheckedByteSize(dims, element_size, bytes)) return true;
  Napi::RangeError::New(env, "tensor is too large: its byte size overflows").ThrowAsJavaScriptException();
  return false;
}

// defineTensor(datatype, dims, data: ArrayBufferView | null, externalId, flags, cacheId?) -> id
// cacheId names static data stably across runs (the weight cache keys on it).
Napi::Value Subgraph::DefineTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineTensor");
  auto datatype = static_cast<xnn_datatype>(a.U32(0));
  std::vector<size_t> dims = a.Sizes(1, XNN_MAX_TENSOR_DIMS);
  uint32_t external_id = a.U32(3);
  uint32_t flags = a.U32(4);
  if (!a.Valid()) return env.Undefined();
  size_t element_size = ElementSize(datatype);
  XNNLITE_REQUIRE(env, element_size != 0, "defineTensor: unsupported datatype " + std::to_string(datatype));
  size_t bytes = 0;
  StaticArg static_arg;
  if (!TensorBytes(env, dims, element_size, &bytes) || !StaticDataArg(info, 2, bytes, &static_arg)) return env.Undefined();
  // Arguments are read (their getters may have run JS): only now is the subgraph's state checked and changed.
  if (!EnsureOpen(env)) return env.Undefined();
  const void* data = nullptr;
  if (!KeepStatic(env, static_arg, CacheIdArg(info, 5), &data)) return env.Undefined();
  uint32_t id = XNN_INVALID_VALUE_ID;
  XNNLITE_CALL(env, "xnn_define_tensor_value",
               xnn_define_tensor_value(subgraph_, datatype, dims.size(), dims.data(), data, external_id, flags, &id));
  RecordExternal(id, datatype, flags);
  return Napi::Number::New(env, id);
}

// defineQuantizedTensor(datatype, zeroPoint, scale, dims, data | null, externalId, flags, cacheId?) -> id
Napi::Value Subgraph::DefineQuantizedTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineQuantizedTensor");
  auto datatype = static_cast<xnn_datatype>(a.U32(0));
  int32_t zero_point = a.I32(1);
  float scale = a.F32(2);
  std::vector<size_t> dims = a.Sizes(3, XNN_MAX_TENSOR_DIMS);
  uint32_t external_id = a.U32(5);
  uint32_t flags = a.U32(6);
  if (!a.Valid()) return env.Undefined();
  size_t element_size = ElementSize(datatype);
  XNNLITE_REQUIRE(env, element_size != 0, "defineQuantizedTensor: unsupported datatype " + std::to_string(datatype));
  size_t bytes = 0;
  StaticArg static_arg;
  if (!TensorBytes(env, dims, element_size, &bytes) || !StaticDataArg(info, 4, bytes, &static_arg)) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  const void* data = nullptr;
  if (!KeepStatic(env, static_arg, CacheIdArg(info, 7), &data)) return env.Undefined();
  uint32_t id = XNN_INVALID_VALUE_ID;
  XNNLITE_CALL(env, "xnn_define_quantized_tensor_value",
               xnn_define_quantized_tensor_value(subgraph_, datatype, zero_point, scale, dims.size(), dims.data(), data,
                                                 external_id, flags, &id));
  RecordExternal(id, datatype, flags);
  return Napi::Number::New(env, id);
}

// defineChannelwiseQuantizedTensor(datatype, scales: Float32Array, dims, channelDim, data | null, externalId, flags, cacheId?) -> id
// XNNPACK keeps the pointer to `scales`, so the array is kept alive with the subgraph.
Napi::Value Subgraph::DefineChannelwiseQuantizedTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineChannelwiseQuantizedTensor");
  auto datatype = static_cast<xnn_datatype>(a.U32(0));
  std::vector<size_t> dims = a.Sizes(2, XNN_MAX_TENSOR_DIMS);
  uint32_t channel_dim = a.U32(3);
  uint32_t external_id = a.U32(5);
  uint32_t flags = a.U32(6);
  if (!a.Valid()) return env.Undefined();
  size_t element_size = ElementSize(datatype);
  XNNLITE_REQUIRE(env, element_size != 0, "defineChannelwiseQuantizedTensor: unsupported datatype");
  ByteView scales;
  XNNLITE_REQUIRE(env, GetByteView(info[1], &scales) && scales.type == napi_float32_array && info[1].IsTypedArray(),
                  "defineChannelwiseQuantizedTensor: scales must be a Float32Array");
  XNNLITE_REQUIRE(env, channel_dim < dims.size(), "defineChannelwiseQuantizedTensor: channel dimension outside the shape");
  XNNLITE_REQUIRE(env, scales.length == dims[channel_dim] * sizeof(float), "defineChannelwiseQuantizedTensor: one scale per channel");
  size_t bytes = 0;
  StaticArg static_arg;
  if (!TensorBytes(env, dims, element_size, &bytes) || !StaticDataArg(info, 4, bytes, &static_arg)) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  // XNNPACK keeps the pointer to the scales too.
  const void* kept_scales = static_data_->Keep(scales.data, scales.length);
  const void* data = nullptr;
  if (kept_scales == nullptr) {
    MakeXnnError(env, "aligned_alloc", xnn_status_out_of_memory).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!KeepStatic(env, static_arg, CacheIdArg(info, 7), &data)) return env.Undefined();
  uint32_t id = XNN_INVALID_VALUE_ID;
  XNNLITE_CALL(env, "xnn_define_channelwise_quantized_tensor_value",
               xnn_define_channelwise_quantized_tensor_value(subgraph_, datatype, static_cast<const float*>(kept_scales), dims.size(), channel_dim,
                                                             dims.data(), data, external_id, flags, &id));
  RecordExternal(id, datatype, flags);
  return Napi::Number::New(env, id);
}

// defineDynamicallyQuantizedTensor(datatype, dims, numNonbatchDims) -> id: an internal value whose quantization
// parameters are computed at run time, one set per batch element.
Napi::Value Subgraph::DefineDynamicallyQuantizedTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineDynamicallyQuantizedTensor");
  auto datatype = static_cast<xnn_datatype>(a.U32(0));
  std::vector<size_t> dims = a.Sizes(1, XNN_MAX_TENSOR_DIMS);
  uint32_t nonbatch = a.U32(2);
  if (!a.Valid()) return env.Undefined();
  size_t bytes = 0;
  if (!TensorBytes(env, dims, 4, &bytes) || !EnsureOpen(env)) return env.Undefined();
  uint32_t id = XNN_INVALID_VALUE_ID;
  XNNLITE_CALL(env, "xnn_define_dynamically_quantized_tensor_value",
               xnn_define_dynamically_quantized_tensor_value(subgraph_, datatype, dims.size(), nonbatch, dims.data(),
                                                             XNN_INVALID_VALUE_ID, 0, &id));
  return Napi::Number::New(env, id);
}

// defineFp16Tensor(dims, fp16: Uint8Array, cacheId, lazy: boolean) -> id: a static float32 tensor whose
// values are TFLite's FP16 weights, converted here: at once, or (lazy) only if
// XNNPACK needs them (see lazy_weights.h).
Napi::Value Subgraph::DefineFp16Tensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineFp16Tensor");
  std::vector<size_t> dims = a.Sizes(0, XNN_MAX_TENSOR_DIMS);
  uint32_t cache_id = a.U32(2);
  if (!a.Valid()) return env.Undefined();
  const bool lazy = info.Length() > 3 && info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
  ByteView view;
  XNNLITE_REQUIRE(env, GetByteView(info[1], &view) && info[1].IsTypedArray(), "defineFp16Tensor: fp16 data must be a typed array");
  size_t fp16_bytes = 0;
  if (!TensorBytes(env, dims, 4, &fp16_bytes)) return env.Undefined();  // the float32 form must be addressable
  fp16_bytes /= 2;
  XNNLITE_REQUIRE(env, view.length >= fp16_bytes, "defineFp16Tensor: fp16 data is smaller than the tensor (" +
                      std::to_string(view.length) + " bytes, the tensor needs " + std::to_string(fp16_bytes) + ")");
  if (!EnsureOpen(env)) return env.Undefined();
  const void* data = nullptr;
  if (lazy) {
    const auto* source = static_cast<const uint16_t*>(static_data_->Keep(view.data, fp16_bytes));
    data = source != nullptr ? lazy_->Add(source, fp16_bytes / 2) : nullptr;
  } else {
    data = static_data_->KeepAsFloat32(view.data, fp16_bytes / 2);
  }
  if (data == nullptr) {
    MakeXnnError(env, lazy ? "mmap" : "aligned_alloc", xnn_status_out_of_memory).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint32_t id = XNN_INVALID_VALUE_ID;
  XNNLITE_CALL(env, "xnn_define_tensor_value",
               xnn_define_tensor_value(subgraph_, xnn_datatype_fp32, dims.size(), dims.data(), data, XNN_INVALID_VALUE_ID, 0, &id));
  static_ids_.emplace(data, cache_id);
  return Napi::Number::New(env, id);
}

// defineUnary(op, inputId, outputId, params?: {min, max, alpha, negativeSlope})
Napi::Value Subgraph::DefineUnary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineUnary");
  auto op = static_cast<xnn_unary_operator>(a.I32(0));
  uint32_t input = a.U32(1);
  uint32_t output = a.U32(2);
  if (!a.Valid()) return env.Undefined();
  xnn_unary_params params{};
  if (info.Length() > 3 && info[3].IsObject()) {
    Napi::Object p = info[3].As<Napi::Object>();
    auto number = [&p](const char* key) {
      Napi::Value v = p.Get(key);
      return v.IsNumber() ? v.As<Napi::Number>().FloatValue() : 0.0f;
    };
    if (op == xnn_unary_clamp) {
      params.clamp.min = number("min");
      params.clamp.max = number("max");
    } else if (op == xnn_unary_elu) {
      params.elu.alpha = number("alpha");
    } else if (op == xnn_unary_leaky_relu) {
      params.leaky_relu.negative_slope = number("negativeSlope");
    }
  }
  if (env.IsExceptionPending() || !EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_unary", xnn_define_unary(subgraph_, op, &params, input, output, 0));
}

// defineBinary(op, input1Id, input2Id, outputId, outputMin, outputMax)
Napi::Value Subgraph::DefineBinary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineBinary");
  auto op = static_cast<xnn_binary_operator>(a.I32(0));
  uint32_t input1 = a.U32(1), input2 = a.U32(2), output = a.U32(3);
  xnn_binary_params params{a.F64(4), a.F64(5)};
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_binary", xnn_define_binary(subgraph_, op, &params, input1, input2, output, 0));
}

// defineFullyConnected(outputMin, outputMax, inputId, filterId, biasId, outputId, flags)
Napi::Value Subgraph::DefineFullyConnected(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineFullyConnected");
  float min = a.F32(0), max = a.F32(1);
  uint32_t input = a.U32(2), filter = a.U32(3), bias = a.U32(4), output = a.U32(5), flags = a.U32(6);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_fully_connected",
                xnn_define_fully_connected(subgraph_, min, max, input, filter, bias, output, flags));
}

// defineConvolution2d(padTop, padRight, padBottom, padLeft, kernelH, kernelW, strideH, strideW, dilationH,
//   dilationW, groups, groupInputChannels, groupOutputChannels, outputMin, outputMax, input, filter, bias, output, flags)
Napi::Value Subgraph::DefineConvolution2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineConvolution2d");
  uint32_t pt = a.U32(0), pr = a.U32(1), pb = a.U32(2), pl = a.U32(3), kh = a.U32(4), kw = a.U32(5);
  uint32_t sh = a.U32(6), sw = a.U32(7), dh = a.U32(8), dw = a.U32(9), groups = a.U32(10);
  size_t gic = a.U32(11), goc = a.U32(12);
  float min = a.F32(13), max = a.F32(14);
  uint32_t input = a.U32(15), filter = a.U32(16), bias = a.U32(17), output = a.U32(18), flags = a.U32(19);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_convolution_2d",
                xnn_define_convolution_2d(subgraph_, pt, pr, pb, pl, kh, kw, sh, sw, dh, dw, groups, gic, goc, min, max,
                                          input, filter, bias, output, flags));
}

// defineDeconvolution2d(padTop, padRight, padBottom, padLeft, adjustmentH, adjustmentW, kernelH, kernelW,
//   upsamplingH, upsamplingW, dilationH, dilationW, groups, groupInputChannels, groupOutputChannels,
//   outputMin, outputMax, input, filter, bias, output, flags)
Napi::Value Subgraph::DefineDeconvolution2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineDeconvolution2d");
  uint32_t pt = a.U32(0), pr = a.U32(1), pb = a.U32(2), pl = a.U32(3), ah = a.U32(4), aw = a.U32(5);
  uint32_t kh = a.U32(6), kw = a.U32(7), uh = a.U32(8), uw = a.U32(9), dh = a.U32(10), dw = a.U32(11);
  uint32_t groups = a.U32(12);
  size_t gic = a.U32(13), goc = a.U32(14);
  float min = a.F32(15), max = a.F32(16);
  uint32_t input = a.U32(17), filter = a.U32(18), bias = a.U32(19), output = a.U32(20), flags = a.U32(21);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_deconvolution_2d",
                xnn_define_deconvolution_2d(subgraph_, pt, pr, pb, pl, ah, aw, kh, kw, uh, uw, dh, dw, groups, gic, goc,
                                            min, max, input, filter, bias, output, flags));
}

// defineDepthwiseConvolution2d(padTop, padRight, padBottom, padLeft, kernelH, kernelW, strideH, strideW,
//   dilationH, dilationW, depthMultiplier, inputChannels, outputMin, outputMax, input, filter, bias, output, flags)
Napi::Value Subgraph::DefineDepthwiseConvolution2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineDepthwiseConvolution2d");
  uint32_t pt = a.U32(0), pr = a.U32(1), pb = a.U32(2), pl = a.U32(3), kh = a.U32(4), kw = a.U32(5);
  uint32_t sh = a.U32(6), sw = a.U32(7), dh = a.U32(8), dw = a.U32(9), multiplier = a.U32(10);
  size_t channels = a.U32(11);
  float min = a.F32(12), max = a.F32(13);
  uint32_t input = a.U32(14), filter = a.U32(15), bias = a.U32(16), output = a.U32(17), flags = a.U32(18);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_depthwise_convolution_2d",
                xnn_define_depthwise_convolution_2d(subgraph_, pt, pr, pb, pl, kh, kw, sh, sw, dh, dw, multiplier,
                                                    channels, min, max, input, filter, bias, output, flags));
}

// defineAveragePooling2d(padTop, padRight, padBottom, padLeft, poolH, poolW, strideH, strideW, outputMin,
//   outputMax, input, output, flags)
Napi::Value Subgraph::DefineAveragePooling2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineAveragePooling2d");
  uint32_t pt = a.U32(0), pr = a.U32(1), pb = a.U32(2), pl = a.U32(3), ph = a.U32(4), pw = a.U32(5);
  uint32_t sh = a.U32(6), sw = a.U32(7);
  float min = a.F32(8), max = a.F32(9);
  uint32_t input = a.U32(10), output = a.U32(11), flags = a.U32(12);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_average_pooling_2d",
                xnn_define_average_pooling_2d(subgraph_, pt, pr, pb, pl, ph, pw, sh, sw, min, max, input, output, flags));
}

// defineMaxPooling2d(padTop, padRight, padBottom, padLeft, poolH, poolW, strideH, strideW, dilationH, dilationW,
//   outputMin, outputMax, input, output, flags)
Napi::Value Subgraph::DefineMaxPooling2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineMaxPooling2d");
  uint32_t pt = a.U32(0), pr = a.U32(1), pb = a.U32(2), pl = a.U32(3), ph = a.U32(4), pw = a.U32(5);
  uint32_t sh = a.U32(6), sw = a.U32(7), dh = a.U32(8), dw = a.U32(9);
  float min = a.F32(10), max = a.F32(11);
  uint32_t input = a.U32(12), output = a.U32(13), flags = a.U32(14);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_max_pooling_2d",
                xnn_define_max_pooling_2d(subgraph_, pt, pr, pb, pl, ph, pw, sh, sw, dh, dw, min, max, input, output, flags));
}

// defineStaticConstantPad(prePaddings[], postPaddings[], paddingValue, input, output, flags)
Napi::Value Subgraph::DefineStaticConstantPad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineStaticConstantPad");
  std::vector<size_t> pre = a.Sizes(0, XNN_MAX_TENSOR_DIMS), post = a.Sizes(1, XNN_MAX_TENSOR_DIMS);
  float value = a.F32(2);
  uint32_t input = a.U32(3), output = a.U32(4), flags = a.U32(5);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  // XNNPACK reads one entry per input dimension; pad the arrays so it never reads past them.
  pre.resize(XNN_MAX_TENSOR_DIMS, 0);
  post.resize(XNN_MAX_TENSOR_DIMS, 0);
  return Result(env, "xnn_define_static_constant_pad",
                xnn_define_static_constant_pad(subgraph_, pre.data(), post.data(), value, input, output, flags));
}

// defineStaticReshape(newShape[], input, output, flags)
Napi::Value Subgraph::DefineStaticReshape(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineStaticReshape");
  std::vector<size_t> shape = a.Sizes(0, XNN_MAX_TENSOR_DIMS);
  uint32_t input = a.U32(1), output = a.U32(2), flags = a.U32(3);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_static_reshape",
                xnn_define_static_reshape(subgraph_, shape.size(), shape.data(), input, output, flags));
}

// defineConcatenate(axis, inputIds[2..5], output, flags): xnn_define_concatenate{2,3,4,5}
Napi::Value Subgraph::DefineConcatenate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineConcatenate");
  int32_t axis = a.I32(0);
  std::vector<size_t> in = a.Sizes(1, 5);
  uint32_t output = a.U32(2), flags = a.U32(3);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  XNNLITE_REQUIRE(env, in.size() >= 2 && in.size() <= 5, "defineConcatenate: 2 to 5 inputs");
  auto id = [&in](size_t k) { return static_cast<uint32_t>(in[k]); };
  switch (in.size()) {
    case 2:
      return Result(env, "xnn_define_concatenate2", xnn_define_concatenate2(subgraph_, axis, id(0), id(1), output, flags));
    case 3:
      return Result(env, "xnn_define_concatenate3",
                    xnn_define_concatenate3(subgraph_, axis, id(0), id(1), id(2), output, flags));
    case 4:
      return Result(env, "xnn_define_concatenate4",
                    xnn_define_concatenate4(subgraph_, axis, id(0), id(1), id(2), id(3), output, flags));
    default:
      return Result(env, "xnn_define_concatenate5",
                    xnn_define_concatenate5(subgraph_, axis, id(0), id(1), id(2), id(3), id(4), output, flags));
  }
}

// defineEvenSplit(splitDim, input, outputIds[2..4], flags): xnn_define_even_split{2,3,4}
Napi::Value Subgraph::DefineEvenSplit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineEvenSplit");
  int32_t dim = a.I32(0);
  uint32_t input = a.U32(1);
  std::vector<size_t> out = a.Sizes(2, 4);
  uint32_t flags = a.U32(3);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  XNNLITE_REQUIRE(env, out.size() >= 2 && out.size() <= 4, "defineEvenSplit: 2 to 4 outputs");
  auto id = [&out](size_t k) { return static_cast<uint32_t>(out[k]); };
  switch (out.size()) {
    case 2:
      return Result(env, "xnn_define_even_split2", xnn_define_even_split2(subgraph_, dim, input, id(0), id(1), flags));
    case 3:
      return Result(env, "xnn_define_even_split3",
                    xnn_define_even_split3(subgraph_, dim, input, id(0), id(1), id(2), flags));
    default:
      return Result(env, "xnn_define_even_split4",
                    xnn_define_even_split4(subgraph_, dim, input, id(0), id(1), id(2), id(3), flags));
  }
}

// defineStaticSlice(offsets[], sizes[], input, output, flags)
Napi::Value Subgraph::DefineStaticSlice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineStaticSlice");
  std::vector<size_t> offsets = a.Sizes(0, XNN_MAX_TENSOR_DIMS), sizes = a.Sizes(1, XNN_MAX_TENSOR_DIMS);
  uint32_t input = a.U32(2), output = a.U32(3), flags = a.U32(4);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  XNNLITE_REQUIRE(env, offsets.size() == sizes.size(), "defineStaticSlice: offsets and sizes differ in length");
  return Result(env, "xnn_define_static_slice",
                xnn_define_static_slice(subgraph_, offsets.size(), offsets.data(), sizes.data(), input, output, flags));
}

// defineStaticTranspose(perm[], input, output, flags)
Napi::Value Subgraph::DefineStaticTranspose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineStaticTranspose");
  std::vector<size_t> perm = a.Sizes(0, XNN_MAX_TENSOR_DIMS);
  uint32_t input = a.U32(1), output = a.U32(2), flags = a.U32(3);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_static_transpose",
                xnn_define_static_transpose(subgraph_, perm.size(), perm.data(), input, output, flags));
}

// defineStaticResizeBilinear2d(newHeight, newWidth, input, output, flags)
Napi::Value Subgraph::DefineStaticResizeBilinear2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineStaticResizeBilinear2d");
  size_t height = a.U32(0), width = a.U32(1);
  uint32_t input = a.U32(2), output = a.U32(3), flags = a.U32(4);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_static_resize_bilinear_2d",
                xnn_define_static_resize_bilinear_2d(subgraph_, height, width, input, output, flags));
}

// defineDepthToSpace2d(blockSize, input, output, flags)
Napi::Value Subgraph::DefineDepthToSpace2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineDepthToSpace2d");
  uint32_t block = a.U32(0), input = a.U32(1), output = a.U32(2), flags = a.U32(3);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_depth_to_space_2d", xnn_define_depth_to_space_2d(subgraph_, block, input, output, flags));
}

// defineSpaceToDepth2d(blockSize, input, output, flags)
Napi::Value Subgraph::DefineSpaceToDepth2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineSpaceToDepth2d");
  uint32_t block = a.U32(0), input = a.U32(1), output = a.U32(2), flags = a.U32(3);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_space_to_depth_2d", xnn_define_space_to_depth_2d(subgraph_, block, input, output, flags));
}

// defineSoftmax(input, output, flags)
Napi::Value Subgraph::DefineSoftmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineSoftmax");
  uint32_t input = a.U32(0), output = a.U32(1), flags = a.U32(2);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_softmax", xnn_define_softmax(subgraph_, input, output, flags));
}

// defineStaticReduce(op, axes[], input, output, flags)
Napi::Value Subgraph::DefineStaticReduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineStaticReduce");
  auto op = static_cast<xnn_reduce_operator>(a.I32(0));
  std::vector<size_t> axes = a.Sizes(1, XNN_MAX_TENSOR_DIMS);
  uint32_t input = a.U32(2), output = a.U32(3), flags = a.U32(4);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_static_reduce",
                xnn_define_static_reduce(subgraph_, op, axes.size(), axes.data(), input, output, flags));
}

// defineBatchMatrixMultiply(input1, input2, output, flags)
Napi::Value Subgraph::DefineBatchMatrixMultiply(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineBatchMatrixMultiply");
  uint32_t input1 = a.U32(0), input2 = a.U32(1), output = a.U32(2), flags = a.U32(3);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_batch_matrix_multiply",
                xnn_define_batch_matrix_multiply(subgraph_, input1, input2, output, flags));
}

// defineCopy(input, output, flags)
Napi::Value Subgraph::DefineCopy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args a(info, "defineCopy");
  uint32_t input = a.U32(0), output = a.U32(1), flags = a.U32(2);
  if (!a.Valid()) return env.Undefined();
  if (!EnsureOpen(env)) return env.Undefined();
  return Result(env, "xnn_define_copy", xnn_define_copy(subgraph_, input, output, flags));
}

Napi::Value Subgraph::Dispose(const Napi::CallbackInfo& info) {
  Release();
  return info.Env().Undefined();
}

}  // namespace xnnlite
