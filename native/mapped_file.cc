#include "mapped_file.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "args.h"

namespace xnnlite {

void Mapping::Unmap() {
  if (address != nullptr) munmap(address, size);
  address = nullptr;
}

Napi::Function MappedFile::Define(Napi::Env env) {
  return DefineClass(env, "MappedFile", {
      InstanceAccessor<&MappedFile::Buffer>("buffer"),
      InstanceMethod<&MappedFile::Close>("close"),
  });
}

// new MappedFile(fd, size): maps `size` bytes of the open file `fd` (read-only, shared).
MappedFile::MappedFile(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MappedFile>(info) {
  Napi::Env env = info.Env();
  Args a(info, "MappedFile(fd, size)");
  int fd = a.I32(0);
  double size = a.F64(1);
  if (!a.Valid()) return;
  if (!(size >= 0 && size <= 9007199254740991.0)) {
    Napi::RangeError::New(env, "MappedFile: size out of range").ThrowAsJavaScriptException();
    return;
  }
  mapping_ = std::make_shared<Mapping>();
  Napi::ArrayBuffer buffer;
  if (size == 0) {
    buffer = Napi::ArrayBuffer::New(env, 0);
  } else {
    void* address = mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_SHARED, fd, 0);
    if (address == MAP_FAILED) {
      int error = errno;
      Napi::Error e = Napi::Error::New(env, std::string("mmap failed: ") + std::strerror(error));
      e.Set("errno", Napi::Number::New(env, error));
      e.ThrowAsJavaScriptException();
      return;
    }
    mapping_->address = address;
    mapping_->size = static_cast<size_t>(size);
    // The ArrayBuffer's finalizer holds its own share of the mapping, so the
    // memory stays valid for as long as any JS view can reach it.
    auto* share = new std::shared_ptr<Mapping>(mapping_);
    buffer = Napi::ArrayBuffer::New(
        env, address, mapping_->size, [](Napi::Env, void*, std::shared_ptr<Mapping>* hint) { delete hint; }, share);
    if (env.IsExceptionPending()) {
      delete share;
      return;
    }
  }
  buffer_ = Napi::Reference<Napi::ArrayBuffer>::New(buffer, 1);
}

Napi::Value MappedFile::Buffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_ || buffer_.IsEmpty()) {
    Napi::Error e = Napi::Error::New(env, "MappedFile has been closed");
    e.Set("code", Napi::String::New(env, "ERR_XNNLITE_DISPOSED"));
    e.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return buffer_.Value();
}

// close(): detaches the ArrayBuffer, then unmaps. Safe to call twice.
Napi::Value MappedFile::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return env.Undefined();
  closed_ = true;
  if (!buffer_.IsEmpty()) {
    Napi::ArrayBuffer buffer = buffer_.Value();
    bool detached = false;
    if (mapping_ && mapping_->address != nullptr) {
      detached = napi_detach_arraybuffer(env, buffer) == napi_ok;
    }
    buffer_.Reset();
    // Unmap only once no view can reach the memory; otherwise the finalizer does it.
    if (detached && mapping_) mapping_->Unmap();
  }
  mapping_.reset();
  return env.Undefined();
}

}  // namespace xnnlite
