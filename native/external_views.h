// The part of a runtime's JS interface both runtimes share (Runtime over
// XNNPACK, ReferenceRuntime over the reference kernels): buffers for the
// graph's external inputs and outputs, described to JS, filled from the
// caller's typed arrays, and copied out into them.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace xnnlite {

struct ExternalBuffer {
  uint32_t id = 0;
  bool is_input = false;
  uint32_t datatype = 0;
  std::vector<size_t> dims;
  size_t byte_length = 0;
  void* data = nullptr;
};

using OutputViews = std::vector<std::pair<void*, size_t>>;

// [{ id, input, datatype, shape, byteLength }] in external order.
Napi::Array DescribeExternals(Napi::Env env, const std::vector<ExternalBuffer>& externals);

// invoke(inputs, outputs): checks that every view has its external's byte
// length, copies the inputs into the external buffers and collects the
// output destinations. Throws a TypeError (and returns false) on a mismatch.
bool BindViews(const Napi::CallbackInfo& info, std::vector<ExternalBuffer>& externals, OutputViews* outputs);

// Copies every external output, in order, into `destinations`.
void CopyOutputs(const std::vector<ExternalBuffer>& externals, const OutputViews& destinations);

}  // namespace xnnlite
