// The part of a runtime's JS interface both runtimes share (Runtime over
// XNNPACK, ReferenceRuntime over the reference kernels): buffers for the
// graph's external inputs and outputs, described to JS, filled from the
// caller's typed arrays, and copied out into them.
//
// An invoke reads the caller's views in one step (JS may run there: an array
// element can be a getter) before it touches the runtime, so the runtime
// checks that it is still open and idle after reading them. Views are read
// through N-API, so their real memory and length count, not what their JS
// properties say.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "js_views.h"

namespace xnnlite {

struct ExternalBuffer {
  uint32_t id = 0;
  bool is_input = false;
  uint32_t datatype = 0;
  std::vector<size_t> dims;
  size_t byte_length = 0;
  void* data = nullptr;
};

// What an invoke needs to know of the externals before it reads the views.
struct ExternalLayout {
  std::vector<size_t> input_bytes;
  std::vector<size_t> output_bytes;
};

ExternalLayout LayoutOf(const std::vector<ExternalBuffer>& externals);

// The caller's views of one invoke.
struct BoundViews {
  std::vector<ByteView> inputs;
  std::vector<ByteView> outputs;
  std::vector<Napi::Value> output_values;
};

// [{ id, input, datatype, shape, byteLength }] in external order.
Napi::Array DescribeExternals(Napi::Env env, const std::vector<ExternalBuffer>& externals);

// invoke(inputs, outputs): reads both arrays of views and checks every length
// against `layout`. Throws a TypeError (and returns false) on a mismatch. JS
// may run while the arrays are read; none runs after the views are resolved,
// so they stay valid until the caller returns to JS.
bool ReadViews(const Napi::CallbackInfo& info, const ExternalLayout& layout, BoundViews* views);

// Copies the inputs into the external buffers.
void CopyInputs(std::vector<ExternalBuffer>& externals, const BoundViews& views);

// Copies every external output, in order, into `outputs`.
void CopyOutputs(const std::vector<ExternalBuffer>& externals, const std::vector<ByteView>& outputs);

// After an asynchronous run, on the JS thread: reads the output views again
// (one may have been detached or shrunk meanwhile) and copies the outputs
// into them. False, with `error` set, if a view no longer fits.
bool CopyOutputsToViews(Napi::Env env, const std::vector<ExternalBuffer>& externals,
                        const std::vector<Napi::Reference<Napi::Value>>& views, std::string* error);

}  // namespace xnnlite
