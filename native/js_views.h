// Reads a typed array or DataView as N-API reports it: its real data pointer
// and byte length, whatever its JS properties (`length`, `byteLength`,
// `buffer`) have been redefined to say, and whether its memory is an
// ArrayBuffer or a SharedArrayBuffer. Runs no JavaScript.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace xnnlite {

struct ByteView {
  uint8_t* data = nullptr;
  size_t length = 0;
  napi_typedarray_type type = napi_uint8_array;  // napi_uint8_array for a DataView
};

// False (with no exception pending) if `value` is neither a typed array nor a DataView.
inline bool GetByteView(napi_env env, napi_value value, ByteView* out) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed) {
    size_t elements = 0;
    void* data = nullptr;
    napi_typedarray_type type;
    if (napi_get_typedarray_info(env, value, &type, &elements, &data, nullptr, nullptr) != napi_ok) return false;
    size_t element_size = 1;
    switch (type) {
      case napi_int16_array:
      case napi_uint16_array:
        element_size = 2;
        break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array:
        element_size = 4;
        break;
      case napi_float64_array:
      case napi_bigint64_array:
      case napi_biguint64_array:
        element_size = 8;
        break;
      default:
        break;
    }
    out->data = static_cast<uint8_t*>(data);
    out->length = elements * element_size;
    out->type = type;
    return true;
  }
  bool is_view = false;
  if (napi_is_dataview(env, value, &is_view) == napi_ok && is_view) {
    size_t length = 0;
    void* data = nullptr;
    if (napi_get_dataview_info(env, value, &length, &data, nullptr, nullptr) != napi_ok) return false;
    out->data = static_cast<uint8_t*>(data);
    out->length = length;
    out->type = napi_uint8_array;
    return true;
  }
  return false;
}

inline bool GetByteView(const Napi::Value& value, ByteView* out) { return GetByteView(value.Env(), value, out); }

}  // namespace xnnlite
