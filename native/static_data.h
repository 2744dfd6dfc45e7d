// Keeps the JS buffers behind static tensor data alive. XNNPACK keeps raw
// pointers to static data for the life of the subgraph and of every runtime
// created from it, so the references move from the subgraph to the runtime.
#pragma once

#include <napi.h>

#include <vector>

namespace xnnlite {

class StaticData {
 public:
  void Keep(Napi::Object holder) { refs_.push_back(Napi::Persistent(holder)); }
  // Must run on the JS thread.
  void Release() { refs_.clear(); }

 private:
  std::vector<Napi::ObjectReference> refs_;
};

}  // namespace xnnlite
