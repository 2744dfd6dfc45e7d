// Memory that JS sees as an ArrayBuffer and native code can hold on to.
//
// A Mapping is a model's bytes: a private mapping of the model file, or an
// anonymous copy of bytes handed in from JS. Every Mapping is registered by
// address, so native code that receives a pointer into one (static tensor
// data, a hash over the model) takes a share of it and the memory stays
// valid for as long as it is used, whatever JS does with the ArrayBuffer.
// File mappings are guarded against the file shrinking underneath
// (fault_guard.h) and remember the file's size and modification time, so a
// file rewritten in place after loading is reported instead of silently
// mixed with what was loaded.
//
// MappedFile is the JS face of a Mapping; close() detaches the ArrayBuffer
// and drops JS's share.
#pragma once

#include <napi.h>
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fault_guard.h"

namespace xnnlite {

class Mapping {
 public:
  // Maps the whole of the open file `fd` (private and writable: a stray write
  // changes this process's copy only, never the file).
  static std::shared_ptr<Mapping> OfFile(int fd, std::string* error);
  // An anonymous copy of `size` bytes.
  static std::shared_ptr<Mapping> CopyOf(const void* data, size_t size, std::string* error);
  // The registered mapping that holds all of [data, data + size), or null.
  static std::shared_ptr<Mapping> Containing(const void* data, size_t size);

  ~Mapping();
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  uint8_t* data() const { return static_cast<uint8_t*>(address_); }
  size_t size() const { return size_; }
  bool is_file() const { return fd_ >= 0; }
  // What the file was when mapped (file mappings only).
  const struct stat& identity() const { return identity_; }
  // Empty while the mapped bytes are still the file's; else how it changed.
  std::string Changed() const;
  // True once a read past the end of the (truncated) file was served zeros. Cheap: no system call.
  bool Faulted() const { return guard_ && guard_->faulted(); }

 private:
  Mapping() = default;
  static void Register(const std::shared_ptr<Mapping>& mapping);
  bool ReadInstead(std::string* error);

  void* address_ = nullptr;
  size_t size_ = 0;
  size_t mapped_bytes_ = 0;  // whole pages
  int fd_ = -1;              // kept open to ask the file whether it changed
  struct stat identity_ {};
  std::unique_ptr<GuardedRange> guard_;
};

class MappedFile : public Napi::ObjectWrap<MappedFile> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit MappedFile(const Napi::CallbackInfo& info);

 private:
  static Napi::Value CopyOf(const Napi::CallbackInfo& info);
  Napi::Value Buffer(const Napi::CallbackInfo& info);
  Napi::Value Identity(const Napi::CallbackInfo& info);
  Napi::Value Changed(const Napi::CallbackInfo& info);
  Napi::Value Digest(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  void Expose(Napi::Env env, std::shared_ptr<Mapping> mapping);

  std::shared_ptr<Mapping> mapping_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
};

}  // namespace xnnlite
