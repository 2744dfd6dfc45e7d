#include "external_views.h"

#include <cstring>
#include <string>

namespace xnnlite {

ExternalLayout LayoutOf(const std::vector<ExternalBuffer>& externals) {
  ExternalLayout layout;
  for (const ExternalBuffer& e : externals) (e.is_input ? layout.input_bytes : layout.output_bytes).push_back(e.byte_length);
  return layout;
}

Napi::Array DescribeExternals(Napi::Env env, const std::vector<ExternalBuffer>& externals) {
  Napi::Array result = Napi::Array::New(env, externals.size());
  for (size_t i = 0; i < externals.size(); i++) {
    const ExternalBuffer& e = externals[i];
    Napi::Object item = Napi::Object::New(env);
    item.Set("id", e.id);
    item.Set("input", e.is_input);
    item.Set("datatype", e.datatype);
    Napi::Array shape = Napi::Array::New(env, e.dims.size());
    for (size_t d = 0; d < e.dims.size(); d++) shape.Set(static_cast<uint32_t>(d), Napi::Number::New(env, static_cast<double>(e.dims[d])));
    item.Set("shape", shape);
    item.Set("byteLength", Napi::Number::New(env, static_cast<double>(e.byte_length)));
    result.Set(static_cast<uint32_t>(i), item);
  }
  return result;
}

namespace {

// Step one, which may run JS (array elements can be getters): collect the values.
bool CollectList(Napi::Env env, const Napi::Array& list, size_t expected, const char* side, std::vector<Napi::Value>* values) {
  if (list.Length() != expected) {
    Napi::TypeError::New(env, std::string("invoke: expected ") + std::to_string(expected) + " " + side + "s, received " +
                                  std::to_string(list.Length()))
        .ThrowAsJavaScriptException();
    return false;
  }
  for (uint32_t k = 0; k < expected; k++) {
    values->push_back(list.Get(k));
    if (env.IsExceptionPending()) return false;
  }
  return true;
}

// Step two, which runs no JS: resolve each value to its memory and check its length.
bool ResolveList(Napi::Env env, const std::vector<Napi::Value>& values, const std::vector<size_t>& bytes, const char* side,
                 std::vector<ByteView>* views) {
  for (size_t k = 0; k < values.size(); k++) {
    ByteView view;
    if (!GetByteView(values[k], &view) || view.length != bytes[k] || (view.data == nullptr && bytes[k] > 0)) {
      Napi::TypeError::New(env, std::string("invoke: ") + side + " " + std::to_string(k) + " must be an ArrayBufferView of " +
                                    std::to_string(bytes[k]) + " bytes")
          .ThrowAsJavaScriptException();
      return false;
    }
    views->push_back(view);
  }
  return true;
}

}  // namespace

bool ReadViews(const Napi::CallbackInfo& info, const ExternalLayout& layout, BoundViews* views) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsArray()) {
    Napi::TypeError::New(env, "invoke(inputs, outputs): expected two arrays of ArrayBufferViews").ThrowAsJavaScriptException();
    return false;
  }
  std::vector<Napi::Value> inputs;
  return CollectList(env, info[0].As<Napi::Array>(), layout.input_bytes.size(), "input", &inputs) &&
         CollectList(env, info[1].As<Napi::Array>(), layout.output_bytes.size(), "output", &views->output_values) &&
         ResolveList(env, inputs, layout.input_bytes, "input", &views->inputs) &&
         ResolveList(env, views->output_values, layout.output_bytes, "output", &views->outputs);
}

void CopyInputs(std::vector<ExternalBuffer>& externals, const BoundViews& views) {
  size_t index = 0;
  for (ExternalBuffer& external : externals) {
    if (!external.is_input) continue;
    std::memcpy(external.data, views.inputs[index].data, external.byte_length);
    index++;
  }
}

void CopyOutputs(const std::vector<ExternalBuffer>& externals, const std::vector<ByteView>& outputs) {
  size_t index = 0;
  for (const ExternalBuffer& external : externals) {
    if (external.is_input) continue;
    std::memcpy(outputs[index].data, external.data, external.byte_length);
    index++;
  }
}

bool CopyOutputsToViews(Napi::Env env, const std::vector<ExternalBuffer>& externals,
                        const std::vector<Napi::Reference<Napi::Value>>& views, std::string* error) {
  std::vector<ByteView> outputs;
  size_t index = 0;
  for (const ExternalBuffer& external : externals) {
    if (external.is_input) continue;
    ByteView view;
    if (index >= views.size() || !GetByteView(views[index].Value(), &view) || view.length != external.byte_length ||
        (view.data == nullptr && external.byte_length > 0)) {
      *error = "output " + std::to_string(index) + " was detached or resized while the inference ran";
      return false;
    }
    outputs.push_back(view);
    index++;
  }
  CopyOutputs(externals, outputs);
  return true;
}

}  // namespace xnnlite
