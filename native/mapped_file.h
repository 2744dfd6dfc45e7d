// MappedFile: a read-only, shared memory mapping of a file, exposed to JS as
// an ArrayBuffer without copying. close() detaches the ArrayBuffer (so no JS
// view can reach the memory any more) and unmaps; the caller makes sure no
// XNNPACK runtime still points into it.
#pragma once

#include <napi.h>

#include <cstddef>
#include <memory>

namespace xnnlite {

struct Mapping {
  void* address = nullptr;
  size_t size = 0;
  void Unmap();
  ~Mapping() { Unmap(); }
};

class MappedFile : public Napi::ObjectWrap<MappedFile> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit MappedFile(const Napi::CallbackInfo& info);

 private:
  Napi::Value Buffer(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  std::shared_ptr<Mapping> mapping_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  bool closed_ = false;
};

}  // namespace xnnlite
