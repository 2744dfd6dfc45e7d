#include "subgraph.h"

#include <string>
#include <vector>

#include "addon_data.h"
#include "datatype.h"
#include "guards.h"
#include "xnn_error.h"

namespace xnnlite {
namespace {

uint32_t U32(const Napi::Value& value) { return value.As<Napi::Number>().Uint32Value(); }
float F32(const Napi::Value& value) { return value.As<Napi::Number>().FloatValue(); }

}  // namespace

Napi::Function Subgraph::Define(Napi::Env env) {
  return DefineClass(env, "Subgraph", {
      InstanceMethod<&Subgraph::DefineTensor>("defineTensor"),
      InstanceMethod<&Subgraph::DefineUnary>("defineUnary"),
      InstanceMethod<&Subgraph::DefineBinary>("defineBinary"),
      InstanceMethod<&Subgraph::DefineFullyConnected>("defineFullyConnected"),
      InstanceMethod<&Subgraph::Dispose>("dispose"),
  });
}

// new Subgraph(externalValueCount)
Subgraph::Subgraph(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Subgraph>(info) {
  Napi::Env env = info.Env();
  if (!EnsureInitialized(env)) return;
  if (info.Length() < 1 || !info[0].IsNumber()) XNNLITE_THROW_TYPE(env, "Subgraph(externalValueCount): expected a number");
  external_value_count_ = U32(info[0]);
  xnn_status status = xnn_create_subgraph(external_value_count_, 0, &subgraph_);
  if (status != xnn_status_success) {
    subgraph_ = nullptr;
    MakeXnnError(env, "xnn_create_subgraph", status).ThrowAsJavaScriptException();
    return;
  }
  static_data_ = std::make_unique<StaticData>();
}

Subgraph::~Subgraph() {
  if (subgraph_ != nullptr) xnn_delete_subgraph(subgraph_);
}

void Subgraph::Release() {
  if (subgraph_ != nullptr) xnn_delete_subgraph(subgraph_);
  subgraph_ = nullptr;
  if (static_data_) static_data_->Release();
  static_data_.reset();
  externals_.clear();
}

SubgraphParts Subgraph::Take() {
  SubgraphParts parts;
  parts.subgraph = subgraph_;
  parts.static_data = std::move(static_data_);
  parts.externals = std::move(externals_);
  subgraph_ = nullptr;
  externals_.clear();
  return parts;
}

// defineTensor(datatype, dims: number[], data: ArrayBufferView | null, externalId, flags) -> id
Napi::Value Subgraph::DefineTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, IsOpen(), "Subgraph");
  XNNLITE_REQUIRE(env, info.Length() >= 5 && info[0].IsNumber() && info[1].IsArray() && info[3].IsNumber() && info[4].IsNumber(),
                  "defineTensor(datatype, dims, data, externalId, flags): bad arguments");
  auto datatype = static_cast<xnn_datatype>(U32(info[0]));
  size_t element_size = ElementSize(datatype);
  XNNLITE_REQUIRE(env, element_size != 0, "defineTensor: unsupported datatype " + std::to_string(U32(info[0])));
  Napi::Array dims_array = info[1].As<Napi::Array>();
  XNNLITE_REQUIRE(env, dims_array.Length() <= XNN_MAX_TENSOR_DIMS, "defineTensor: too many dimensions");
  std::vector<size_t> dims(dims_array.Length());
  size_t elements = 1;
  for (uint32_t i = 0; i < dims_array.Length(); i++) {
    Napi::Value d = dims_array.Get(i);
    XNNLITE_REQUIRE(env, d.IsNumber(), "defineTensor: dims must be numbers");
    double value = d.As<Napi::Number>().DoubleValue();
    XNNLITE_REQUIRE(env, value >= 0 && value <= 4294967295.0 && value == static_cast<double>(static_cast<size_t>(value)),
                    "defineTensor: dims must be non-negative integers");
    dims[i] = static_cast<size_t>(value);
    elements *= dims[i];
  }
  const void* data = nullptr;
  if (!info[2].IsNull() && !info[2].IsUndefined()) {
    XNNLITE_REQUIRE(env, info[2].IsTypedArray() || info[2].IsDataView(), "defineTensor: data must be an ArrayBufferView or null");
    Napi::Object view = info[2].As<Napi::Object>();
    Napi::ArrayBuffer buffer = view.Get("buffer").As<Napi::ArrayBuffer>();
    size_t offset = view.Get("byteOffset").As<Napi::Number>().Uint32Value();
    size_t length = view.Get("byteLength").As<Napi::Number>().Int64Value();
    XNNLITE_REQUIRE(env, length >= elements * element_size, "defineTensor: data is smaller than the tensor");
    data = static_cast<const uint8_t*>(buffer.Data()) + offset;
    static_data_->Keep(view);
  }
  uint32_t external_id = U32(info[3]);
  uint32_t flags = U32(info[4]);
  uint32_t id = XNN_INVALID_VALUE_ID;
  XNNLITE_CALL(env, "xnn_define_tensor_value",
               xnn_define_tensor_value(subgraph_, datatype, dims.size(), dims.data(), data, external_id, flags, &id));
  if ((flags & (XNN_VALUE_FLAG_EXTERNAL_INPUT | XNN_VALUE_FLAG_EXTERNAL_OUTPUT)) != 0) {
    externals_[id] = ExternalValue{datatype, flags};
  }
  return Napi::Number::New(env, id);
}

// defineUnary(op, inputId, outputId, params?: {min, max, alpha, negativeSlope})
Napi::Value Subgraph::DefineUnary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, IsOpen(), "Subgraph");
  XNNLITE_REQUIRE(env, info.Length() >= 3 && info[0].IsNumber() && info[1].IsNumber() && info[2].IsNumber(),
                  "defineUnary(op, inputId, outputId, params): bad arguments");
  auto op = static_cast<xnn_unary_operator>(info[0].As<Napi::Number>().Int32Value());
  xnn_unary_params params{};
  if (info.Length() > 3 && info[3].IsObject()) {
    Napi::Object p = info[3].As<Napi::Object>();
    if (op == xnn_unary_clamp) {
      params.clamp.min = F32(p.Get("min"));
      params.clamp.max = F32(p.Get("max"));
    } else if (op == xnn_unary_elu) {
      params.elu.alpha = F32(p.Get("alpha"));
    } else if (op == xnn_unary_leaky_relu) {
      params.leaky_relu.negative_slope = F32(p.Get("negativeSlope"));
    }
  }
  XNNLITE_CALL(env, "xnn_define_unary", xnn_define_unary(subgraph_, op, &params, U32(info[1]), U32(info[2]), 0));
  return env.Undefined();
}

// defineBinary(op, input1Id, input2Id, outputId, outputMin, outputMax)
Napi::Value Subgraph::DefineBinary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, IsOpen(), "Subgraph");
  XNNLITE_REQUIRE(env, info.Length() >= 6, "defineBinary(op, input1Id, input2Id, outputId, outputMin, outputMax): bad arguments");
  auto op = static_cast<xnn_binary_operator>(info[0].As<Napi::Number>().Int32Value());
  xnn_binary_params params{info[4].As<Napi::Number>().DoubleValue(), info[5].As<Napi::Number>().DoubleValue()};
  XNNLITE_CALL(env, "xnn_define_binary",
               xnn_define_binary(subgraph_, op, &params, U32(info[1]), U32(info[2]), U32(info[3]), 0));
  return env.Undefined();
}

// defineFullyConnected(outputMin, outputMax, inputId, filterId, biasId, outputId, flags)
Napi::Value Subgraph::DefineFullyConnected(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, IsOpen(), "Subgraph");
  XNNLITE_REQUIRE(env, info.Length() >= 7, "defineFullyConnected(outputMin, outputMax, inputId, filterId, biasId, outputId, flags): bad arguments");
  XNNLITE_CALL(env, "xnn_define_fully_connected",
               xnn_define_fully_connected(subgraph_, F32(info[0]), F32(info[1]), U32(info[2]), U32(info[3]),
                                          U32(info[4]), U32(info[5]), U32(info[6])));
  return env.Undefined();
}

Napi::Value Subgraph::Dispose(const Napi::CallbackInfo& info) {
  Release();
  return info.Env().Undefined();
}

}  // namespace xnnlite
