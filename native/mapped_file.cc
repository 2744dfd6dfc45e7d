#include "mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "addon_data.h"
#include "args.h"
#include "guards.h"
#include "js_views.h"
#include "promise_worker.h"
#include "sha256.h"

namespace xnnlite {
namespace {

std::mutex registry_mutex;

// Live mappings by start address.
std::map<uintptr_t, std::weak_ptr<Mapping>>& Registry() {
  static auto* registry = new std::map<uintptr_t, std::weak_ptr<Mapping>>();
  return *registry;
}

size_t PageRound(size_t size) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (size + page - 1) / page * page;
}

std::string Errno(const char* what) { return std::string(what) + " failed: " + std::strerror(errno); }

bool SameTime(const struct timespec& a, const struct timespec& b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }

constexpr napi_type_tag kMappedFileTag = {0x6f1c2b9a4d3e5f70ULL, 0x8a9b0c1d2e3f4051ULL};
constexpr napi_type_tag kMappingHandOffTag = {0x1d4b6e8f0a2c3e51ULL, 0x7f9a1b3c5d7e9f02ULL};

}  // namespace

std::shared_ptr<Mapping> Mapping::OfFile(int fd, std::string* error) {
  std::shared_ptr<Mapping> mapping(new Mapping());
  mapping->fd_ = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (mapping->fd_ < 0) {
    *error = Errno("dup");
    return nullptr;
  }
  if (fstat(mapping->fd_, &mapping->identity_) != 0) {
    *error = Errno("fstat");
    return nullptr;
  }
  if (!S_ISREG(mapping->identity_.st_mode)) {
    *error = "not a regular file";
    return nullptr;
  }
  mapping->size_ = static_cast<size_t>(mapping->identity_.st_size);
  if (mapping->size_ > 0) {
    mapping->mapped_bytes_ = PageRound(mapping->size_);
    void* address = mmap(nullptr, mapping->size_, PROT_READ | PROT_WRITE, MAP_PRIVATE, mapping->fd_, 0);
    if (address == MAP_FAILED) {
      *error = Errno("mmap");
      return nullptr;
    }
    mapping->address_ = address;
    mapping->guard_ = GuardedRange::Register(address, mapping->mapped_bytes_);
    if (!mapping->guard_ && !mapping->ReadInstead(error)) return nullptr;
  }
  Register(mapping);
  return mapping;
}

bool Mapping::ReadInstead(std::string* error) {
  // No guard could be had (the table is full, or SIGBUS cannot be handled):
  // a mapping the file can shrink under is not safe, so read it into memory.
  munmap(address_, size_);
  address_ = mmap(nullptr, mapped_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (address_ == MAP_FAILED) {
    address_ = nullptr;
    *error = Errno("mmap");
    return false;
  }
  for (size_t done = 0; done < size_;) {
    const ssize_t n = pread(fd_, static_cast<uint8_t*>(address_) + done, size_ - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = n < 0 ? Errno("read") : "the file shrank while it was read";
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

std::shared_ptr<Mapping> Mapping::CopyOf(const void* data, size_t size, std::string* error) {
  std::shared_ptr<Mapping> mapping(new Mapping());
  mapping->size_ = size;
  if (size > 0) {
    mapping->mapped_bytes_ = PageRound(size);
    void* address = mmap(nullptr, mapping->mapped_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (address == MAP_FAILED) {
      *error = Errno("mmap");
      return nullptr;
    }
    mapping->address_ = address;
    std::memcpy(address, data, size);
  }
  Register(mapping);
  return mapping;
}

void Mapping::Register(const std::shared_ptr<Mapping>& mapping) {
  if (mapping->address_ == nullptr) return;
  std::lock_guard<std::mutex> lock(registry_mutex);
  Registry()[reinterpret_cast<uintptr_t>(mapping->address_)] = mapping;
}

std::shared_ptr<Mapping> Mapping::Containing(const void* data, size_t size) {
  const auto start = reinterpret_cast<uintptr_t>(data);
  std::lock_guard<std::mutex> lock(registry_mutex);
  auto& registry = Registry();
  auto it = registry.upper_bound(start);
  if (it == registry.begin()) return nullptr;
  --it;
  std::shared_ptr<Mapping> mapping = it->second.lock();
  if (!mapping) return nullptr;
  const auto base = reinterpret_cast<uintptr_t>(mapping->address_);
  if (start < base || size > mapping->size_ || start - base > mapping->size_ - size) return nullptr;
  return mapping;
}

Mapping::~Mapping() {
  if (address_ != nullptr) {
    {
      std::lock_guard<std::mutex> lock(registry_mutex);
      Registry().erase(reinterpret_cast<uintptr_t>(address_));
    }
    guard_.reset();
    munmap(address_, mapped_bytes_);
  }
  if (fd_ >= 0) close(fd_);
}

std::string Mapping::Changed() const {
  if (Faulted()) return "it was truncated while in use";
  if (fd_ < 0) return "";
  struct stat now {};
  if (fstat(fd_, &now) != 0) return Errno("fstat");
  if (now.st_size != identity_.st_size) {
    return "its size changed from " + std::to_string(identity_.st_size) + " to " + std::to_string(now.st_size) + " bytes";
  }
  if (!SameTime(now.st_mtim, identity_.st_mtim)) return "it was modified in place (or its modification time was set)";
  // The change time also moves when someone writes and then sets the
  // modification time back. It moves too when a link to the file goes (a
  // new file renamed over the path, an unlink), which leaves the loaded bytes
  // alone: that is told apart by the link count.
  if (!SameTime(now.st_ctim, identity_.st_ctim) && now.st_nlink == identity_.st_nlink) {
    return "its metadata changed (change time), so its bytes may have";
  }
  return "";
}

// ---------------------------------------------------------------------------

namespace {

class DigestWorker : public PromiseWorker {
 public:
  DigestWorker(Napi::Env env, std::shared_ptr<Mapping> mapping)
      : PromiseWorker(env), mapping_(std::move(mapping)) {}

 protected:
  void Run() override {
    Sha256Of(mapping_->data(), mapping_->size(), digest_);
    std::string changed = mapping_->Changed();
    if (!changed.empty()) FailWithCode(changed, "ERR_XNNLITE_MODEL_CHANGED");
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::Copy(env, digest_, kSha256Bytes);
    return out;
  }

 private:
  std::shared_ptr<Mapping> mapping_;
  uint8_t digest_[kSha256Bytes] = {};
};

std::string Decimal(long long v) { return std::to_string(v); }
std::string Nanoseconds(const struct timespec& t) {
  return std::to_string(static_cast<long long>(t.tv_sec) * 1000000000LL + t.tv_nsec);
}

}  // namespace

Napi::Function MappedFile::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "MappedFile", {
      StaticMethod<&MappedFile::CopyOf>("copyOf"),
      InstanceMethod<&MappedFile::Identity>("identity"),
      InstanceMethod<&MappedFile::Changed>("changed"),
      InstanceMethod<&MappedFile::Digest>("digest"),
      InstanceMethod<&MappedFile::Close>("close"),
  });
  DefineCheckedGetter<MappedFile, &MappedFile::Buffer>(ctor, "buffer", kMappedFileTag);
  Data(env).mapped_file_class = Napi::Persistent(ctor);
  return ctor;
}

// new MappedFile(fd): maps the whole of the open file `fd`.
// new MappedFile(External<shared_ptr<Mapping>>): used by copyOf.
MappedFile::MappedFile(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MappedFile>(info) {
  Napi::Env env = info.Env();
  TagReceiver(info, kMappedFileTag);
  if (std::unique_ptr<std::shared_ptr<Mapping>> handed = TakeHandOff<std::shared_ptr<Mapping>>(info, kMappingHandOffTag)) {
    Expose(env, std::move(*handed));
    return;
  }
  Args a(info, "MappedFile(fd)");
  int fd = a.I32(0);
  if (!a.Valid()) return;
  std::string error;
  errno = 0;
  std::shared_ptr<Mapping> mapping = Mapping::OfFile(fd, &error);
  if (!mapping) {
    Napi::Error e = Napi::Error::New(env, "MappedFile: " + error);
    if (errno != 0) e.Set("errno", Napi::Number::New(env, errno));
    e.ThrowAsJavaScriptException();
    return;
  }
  Expose(env, std::move(mapping));
}

void MappedFile::Expose(Napi::Env env, std::shared_ptr<Mapping> mapping) {
  mapping_ = std::move(mapping);
  Napi::ArrayBuffer buffer;
  if (mapping_->size() == 0) {
    buffer = Napi::ArrayBuffer::New(env, 0);
  } else {
    // The ArrayBuffer holds its own share: the memory outlives every JS view of it.
    auto* share = new std::shared_ptr<Mapping>(mapping_);
    buffer = Napi::ArrayBuffer::New(
        env, mapping_->data(), mapping_->size(), [](Napi::Env, void*, std::shared_ptr<Mapping>* hint) { delete hint; }, share);
    if (env.IsExceptionPending()) {
      delete share;
      mapping_.reset();
      return;
    }
  }
  buffer_ = Napi::Reference<Napi::ArrayBuffer>::New(buffer, 1);
}

// MappedFile.copyOf(view): an anonymous mapping holding a copy of the view's bytes.
Napi::Value MappedFile::CopyOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView view;
  XNNLITE_REQUIRE(env, info.Length() >= 1 && GetByteView(info[0], &view), "MappedFile.copyOf(view): expected a typed array or DataView");
  std::string error;
  std::shared_ptr<Mapping> mapping = Mapping::CopyOf(view.data, view.length, &error);
  if (!mapping) {
    Napi::Error::New(env, "MappedFile.copyOf: " + error).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Value handed = HandOff(env, std::make_unique<std::shared_ptr<Mapping>>(std::move(mapping)), kMappingHandOffTag);
  Napi::Object result = Data(env).mapped_file_class.New({handed});
  if (env.IsExceptionPending()) return env.Undefined();
  return result;
}

Napi::Value MappedFile::Buffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, mapping_ != nullptr && !buffer_.IsEmpty(), "MappedFile");
  return buffer_.Value();
}

// identity() -> { dev, ino, size, mtimeNs, ctimeNs } as decimal strings, or undefined for a copy.
Napi::Value MappedFile::Identity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, mapping_ != nullptr, "MappedFile");
  if (!mapping_->is_file()) return env.Undefined();
  const struct stat& s = mapping_->identity();
  Napi::Object result = Napi::Object::New(env);
  result.Set("dev", Decimal(static_cast<long long>(s.st_dev)));
  result.Set("ino", Decimal(static_cast<long long>(s.st_ino)));
  result.Set("size", Decimal(static_cast<long long>(s.st_size)));
  result.Set("mtimeNs", Nanoseconds(s.st_mtim));
  result.Set("ctimeNs", Nanoseconds(s.st_ctim));
  return result;
}

// changed() -> undefined while the mapped bytes are the file's, else a sentence saying how the file changed.
Napi::Value MappedFile::Changed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, mapping_ != nullptr, "MappedFile");
  std::string changed = mapping_->Changed();
  if (changed.empty()) return env.Undefined();
  return Napi::String::New(env, changed);
}

// digest() -> Promise<Buffer>: SHA-256 of the bytes, computed off the JS thread.
Napi::Value MappedFile::Digest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  XNNLITE_REQUIRE_OPEN(env, mapping_ != nullptr, "MappedFile");
  auto* worker = new DigestWorker(env, mapping_);
  return PromiseWorker::Start(worker);
}

// close(): detaches the ArrayBuffer and drops JS's share of the memory; it is
// unmapped once nothing native (a runtime, a hash) uses it. Safe to call twice.
Napi::Value MappedFile::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!buffer_.IsEmpty()) {
    Napi::ArrayBuffer buffer = buffer_.Value();
    if (mapping_ && mapping_->size() > 0) napi_detach_arraybuffer(env, buffer);
    buffer_.Reset();
  }
  mapping_.reset();
  return env.Undefined();
}

}  // namespace xnnlite
