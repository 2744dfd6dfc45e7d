// Subgraph: mirrors XNNPACK's xnn_subgraph_t and its xnn_define_* calls.
// It knows nothing of TFLite; lib/graph lowers models onto it.
#pragma once

#include <napi.h>
#include <xnnpack.h>

#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "js_views.h"
#include "lazy_weights.h"
#include "static_data.h"

namespace xnnlite {

struct ExternalValue {
  xnn_datatype datatype;
  uint32_t flags;
};

// What a runtime takes over from a subgraph when it is created.
struct SubgraphParts {
  xnn_subgraph_t subgraph = nullptr;
  std::unique_ptr<StaticData> static_data;
  std::map<uint32_t, ExternalValue> externals;
  // Stable id (the model's tensor index) of each static tensor's data, for the weight cache.
  std::unordered_map<const void*, uint32_t> static_ids;
  std::unique_ptr<LazyWeights> lazy;
};

class Subgraph : public Napi::ObjectWrap<Subgraph> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Subgraph(const Napi::CallbackInfo& info);
  ~Subgraph() override;

  // The Subgraph wrapped by `value`, or null if it is not one (checked by type tag, not instanceof).
  static Subgraph* FromValue(Napi::Env env, const Napi::Value& value);
  // Hands the subgraph to a runtime being created; the wrapper becomes unusable.
  SubgraphParts Take();
  bool IsOpen() const { return subgraph_ != nullptr; }

 private:
  // One method per xnn_define_* call, arguments in the C function's order.
  Napi::Value DefineTensor(const Napi::CallbackInfo& info);
  Napi::Value DefineFp16Tensor(const Napi::CallbackInfo& info);
  Napi::Value DefineQuantizedTensor(const Napi::CallbackInfo& info);
  Napi::Value DefineChannelwiseQuantizedTensor(const Napi::CallbackInfo& info);
  Napi::Value DefineDynamicallyQuantizedTensor(const Napi::CallbackInfo& info);
  Napi::Value DefineUnary(const Napi::CallbackInfo& info);
  Napi::Value DefineBinary(const Napi::CallbackInfo& info);
  Napi::Value DefineFullyConnected(const Napi::CallbackInfo& info);
  Napi::Value DefineConvolution2d(const Napi::CallbackInfo& info);
  Napi::Value DefineDeconvolution2d(const Napi::CallbackInfo& info);
  Napi::Value DefineDepthwiseConvolution2d(const Napi::CallbackInfo& info);
  Napi::Value DefineAveragePooling2d(const Napi::CallbackInfo& info);
  Napi::Value DefineMaxPooling2d(const Napi::CallbackInfo& info);
  Napi::Value DefineStaticConstantPad(const Napi::CallbackInfo& info);
  Napi::Value DefineStaticReshape(const Napi::CallbackInfo& info);
  Napi::Value DefineConcatenate(const Napi::CallbackInfo& info);
  Napi::Value DefineEvenSplit(const Napi::CallbackInfo& info);
  Napi::Value DefineStaticSlice(const Napi::CallbackInfo& info);
  Napi::Value DefineStaticTranspose(const Napi::CallbackInfo& info);
  Napi::Value DefineStaticResizeBilinear2d(const Napi::CallbackInfo& info);
  Napi::Value DefineDepthToSpace2d(const Napi::CallbackInfo& info);
  Napi::Value DefineSpaceToDepth2d(const Napi::CallbackInfo& info);
  Napi::Value DefineSoftmax(const Napi::CallbackInfo& info);
  Napi::Value DefineStaticReduce(const Napi::CallbackInfo& info);
  Napi::Value DefineBatchMatrixMultiply(const Napi::CallbackInfo& info);
  Napi::Value DefineCopy(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  struct StaticArg {
    bool present = false;
    ByteView view;
    size_t bytes = 0;
  };
  // Reads the optional static data argument `index` (an ArrayBufferView of at least `bytes`) without
  // keeping it yet. False (with a JS exception) on misuse.
  bool StaticDataArg(const Napi::CallbackInfo& info, size_t index, size_t bytes, StaticArg* arg);
  // Keeps the data (see static_data.h) and records its cache id; `data` is what XNNPACK is given.
  bool KeepStatic(Napi::Env env, const StaticArg& arg, const Napi::Value& cache_id, const void** data);
  // The byte size of a tensor, or a thrown RangeError if it overflows.
  static bool TensorBytes(Napi::Env env, const std::vector<size_t>& dims, size_t element_size, size_t* bytes);
  // Records an external value's datatype so the runtime can size its buffer.
  void RecordExternal(uint32_t id, xnn_datatype datatype, uint32_t flags);

  // Throws and returns false if the subgraph was disposed or consumed.
  bool EnsureOpen(Napi::Env env);
  // Turns an xnn_status into undefined or a thrown XnnpackError.
  Napi::Value Result(Napi::Env env, const char* call, xnn_status status);

  void Release();

  xnn_subgraph_t subgraph_ = nullptr;
  uint32_t external_value_count_ = 0;
  std::unique_ptr<StaticData> static_data_;
  std::map<uint32_t, ExternalValue> externals_;
  std::unordered_map<const void*, uint32_t> static_ids_;
  std::unique_ptr<LazyWeights> lazy_;
};

}  // namespace xnnlite
