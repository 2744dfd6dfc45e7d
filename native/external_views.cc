#include "external_views.h"

#include <cstring>
#include <string>

namespace xnnlite {
namespace {

bool ViewOf(const Napi::Value& value, void** data, size_t* length) {
  if (!value.IsTypedArray() && !value.IsDataView()) return false;
  Napi::Object view = value.As<Napi::Object>();
  Napi::ArrayBuffer buffer = view.Get("buffer").As<Napi::ArrayBuffer>();
  const size_t offset = view.Get("byteOffset").As<Napi::Number>().Int64Value();
  *length = view.Get("byteLength").As<Napi::Number>().Int64Value();
  *data = static_cast<uint8_t*>(buffer.Data()) + offset;
  return true;
}

}  // namespace

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

bool BindViews(const Napi::CallbackInfo& info, std::vector<ExternalBuffer>& externals, OutputViews* outputs) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsArray()) {
    Napi::TypeError::New(env, "invoke(inputs, outputs): expected two arrays of ArrayBufferViews").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Array inputs = info[0].As<Napi::Array>();
  Napi::Array output_views = info[1].As<Napi::Array>();
  uint32_t in_index = 0;
  uint32_t out_index = 0;
  std::vector<std::pair<ExternalBuffer*, std::pair<void*, size_t>>> pending_inputs;
  for (ExternalBuffer& external : externals) {
    const uint32_t index = external.is_input ? in_index++ : out_index++;
    Napi::Array list = external.is_input ? inputs : output_views;
    void* data = nullptr;
    size_t length = 0;
    if (index >= list.Length() || !ViewOf(list.Get(index), &data, &length) || length != external.byte_length) {
      Napi::TypeError::New(env, std::string("invoke: ") + (external.is_input ? "input " : "output ") + std::to_string(index) +
                                    " must be an ArrayBufferView of " + std::to_string(external.byte_length) + " bytes")
          .ThrowAsJavaScriptException();
      return false;
    }
    if (external.is_input) {
      pending_inputs.push_back({&external, {data, length}});
    } else {
      outputs->emplace_back(data, length);
    }
  }
  if (in_index != inputs.Length() || out_index != output_views.Length()) {
    Napi::TypeError::New(env, "invoke: expected " + std::to_string(in_index) + " inputs and " + std::to_string(out_index) + " outputs")
        .ThrowAsJavaScriptException();
    return false;
  }
  for (auto& [external, view] : pending_inputs) std::memcpy(external->data, view.first, view.second);
  return true;
}

void CopyOutputs(const std::vector<ExternalBuffer>& externals, const OutputViews& destinations) {
  size_t index = 0;
  for (const ExternalBuffer& external : externals) {
    if (external.is_input) continue;
    std::memcpy(destinations[index].first, external.data, external.byte_length);
    index++;
  }
}

}  // namespace xnnlite
