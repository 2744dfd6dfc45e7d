#include "weight_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <map>

#include "page_population.h"
#include "crc32c.h"

namespace xnnlite {
namespace {

constexpr char kMagic[8] = {'X', 'N', 'N', 'L', 'W', 'C', 0, 1};
// 2: models are named by SHA-256 of their bytes (1 used a CRC, which two models can share).
constexpr uint32_t kFormatVersion = 2;
constexpr size_t kAlignment = 128;
// Offsets at or above this point into the in-memory area, not the file.
constexpr uint64_t kMemoryBase = uint64_t{1} << 62;

struct CacheHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;
  uint8_t fingerprint[32];
  uint64_t data_offset;
  uint64_t data_size;
  uint64_t index_offset;
  uint64_t index_count;
  uint64_t meta_offset;
  uint64_t meta_size;
  uint64_t file_size;
  uint32_t data_crc;
  uint32_t index_crc;
  uint32_t meta_crc;
  uint32_t header_crc;
  uint8_t reserved[8];
};
static_assert(sizeof(CacheHeader) == 128, "cache header is 128 bytes");

struct CacheIndexEntry {
  uint32_t seed;
  uint32_t kernel;
  uint32_t bias;
  uint32_t reserved;
  uint64_t offset;
  uint64_t size;
};
static_assert(sizeof(CacheIndexEntry) == 32, "index entry is 32 bytes");


size_t AlignUp(size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

uint32_t HeaderCrc(CacheHeader header) {
  header.header_crc = 0;
  return Crc32c(&header, sizeof(header));
}

std::string Errno(const std::string& what, int error) { return what + ": " + std::strerror(error); }

// A cache file decides what a process computes, so only a file that no one
// but this user (or root) could have written is used: the rule OpenSSH
// applies to its key files. Empty when the file may be trusted.
std::string Untrusted(const struct stat& st) {
  const uid_t me = geteuid();
  if (st.st_uid != me && st.st_uid != 0) {
    return "owned by another user (uid " + std::to_string(st.st_uid) + ", this process runs as uid " + std::to_string(me) + ")";
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%03o", static_cast<unsigned>(st.st_mode & 0777));
    return std::string("writable by other users (mode ") + mode + ")";
  }
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  return "";
}

bool WriteAll(int fd, const void* data, size_t size, std::string* error) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = Errno("write", errno);
      return false;
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Mappings already validated in this process, by path; reused while the file is unchanged.
struct RegistryEntry {
  std::weak_ptr<CacheMapping> mapping;
  uint64_t dev;
  uint64_t ino;
};
std::mutex registry_mutex;
std::map<std::string, RegistryEntry>& Registry() {
  static auto* registry = new std::map<std::string, RegistryEntry>();
  return *registry;
}

}  // namespace

CacheMapping::~CacheMapping() {
  guard_.reset();
  if (base_ != nullptr) munmap(base_, size_);
}

const CacheEntry* CacheMapping::Find(const CacheKey& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &it->second;
}

std::shared_ptr<CacheMapping> CacheMapping::Open(const std::string& path, const uint8_t fingerprint[32], std::string* reason) {
  struct stat st{};
  reason->clear();
  if (stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) *reason = Errno("stat", errno);
    return nullptr;
  }
  std::string untrusted = Untrusted(st);
  if (!untrusted.empty()) {
    *reason = untrusted;
    return nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    auto it = Registry().find(path);
    if (it != Registry().end() && it->second.dev == st.st_dev && it->second.ino == st.st_ino) {
      // A mapping held since before the file was truncated under it is not reused.
      if (auto shared = it->second.mapping.lock(); shared && !shared->Faulted()) return shared;
    }
  }
  std::string metadata;
  uint64_t dev = 0;
  uint64_t ino = 0;
  auto mapping = MapAndValidate(path, fingerprint, reason, &metadata, &dev, &ino);
  if (mapping) {
    std::lock_guard<std::mutex> lock(registry_mutex);
    Registry()[path] = RegistryEntry{mapping, dev, ino};
  }
  return mapping;
}

bool CacheMapping::Verify(const std::string& path, std::string* reason, std::string* metadata) {
  uint64_t dev = 0;
  uint64_t ino = 0;
  return MapAndValidate(path, nullptr, reason, metadata, &dev, &ino) != nullptr;
}

std::shared_ptr<CacheMapping> CacheMapping::MapAndValidate(const std::string& path, const uint8_t* fingerprint,
                                                           std::string* reason, std::string* metadata, uint64_t* dev,
                                                           uint64_t* ino) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    *reason = errno == ENOENT ? "" : errno == ELOOP ? "it is a symbolic link" : Errno("open", errno);
    return nullptr;
  }
  struct stat st{};
  if (fstat(fd, &st) != 0) {
    *reason = Errno("fstat", errno);
    close(fd);
    return nullptr;
  }
  const std::string untrusted = Untrusted(st);
  if (!untrusted.empty()) {
    *reason = untrusted;
    close(fd);
    return nullptr;
  }
  *dev = st.st_dev;
  *ino = st.st_ino;
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < sizeof(CacheHeader)) {
    *reason = "file is " + std::to_string(size) + " bytes, smaller than a cache header";
    close(fd);
    return nullptr;
  }
  void* base = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (base == MAP_FAILED) {
    *reason = Errno("mmap", errno);
    return nullptr;
  }
  std::shared_ptr<CacheMapping> mapping(new CacheMapping());
  mapping->base_ = base;
  mapping->size_ = size;
  auto fail = [&](const std::string& why) {
    *reason = why;
    return std::shared_ptr<CacheMapping>();
  };
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  mapping->guard_ = GuardedRange::Register(base, (size + page - 1) / page * page);
  // Without a guard a file truncated under the mapping would kill the process: do without the cache then.
  if (!mapping->guard_) return fail("no room to guard another mapped file");
  CacheHeader h;
  std::memcpy(&h, base, sizeof(h));
  if (std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0) return fail("not an xnnlite weight cache (bad magic)");
  if (h.version != kFormatVersion) {
    return fail("cache format version " + std::to_string(h.version) + ", expected " + std::to_string(kFormatVersion));
  }
  if (h.header_size != sizeof(CacheHeader)) return fail("bad header size");
  if (HeaderCrc(h) != h.header_crc) return fail("header checksum mismatch");
  if (h.file_size != size) {
    return fail("file is " + std::to_string(size) + " bytes, its header says " + std::to_string(h.file_size) + " (truncated or extended)");
  }
  if (fingerprint != nullptr && std::memcmp(h.fingerprint, fingerprint, 32) != 0) {
    return fail("fingerprint differs (another model, XNNPACK build or CPU configuration)");
  }
  auto within = [size](uint64_t offset, uint64_t length) { return offset <= size && length <= size - offset; };
  if (h.data_offset % kAlignment != 0 || !within(h.data_offset, h.data_size)) return fail("data section outside the file");
  if (h.index_count > size / sizeof(CacheIndexEntry) || !within(h.index_offset, h.index_count * sizeof(CacheIndexEntry))) {
    return fail("index outside the file");
  }
  if (!within(h.meta_offset, h.meta_size)) return fail("metadata outside the file");
  const auto* bytes = static_cast<const uint8_t*>(base);
  // Every page is read for the checksums: read in and mapped at once, now that the header says the file is the right one.
  PopulateForRead(base, size);
  if (Crc32c(bytes + h.index_offset, h.index_count * sizeof(CacheIndexEntry)) != h.index_crc) return fail("index checksum mismatch");
  if (Crc32c(bytes + h.meta_offset, h.meta_size) != h.meta_crc) return fail("metadata checksum mismatch");
  if (Crc32c(bytes + h.data_offset, h.data_size) != h.data_crc) return fail("data checksum mismatch");
  for (uint64_t i = 0; i < h.index_count; i++) {
    CacheIndexEntry e;
    std::memcpy(&e, bytes + h.index_offset + i * sizeof(CacheIndexEntry), sizeof(e));
    if (e.offset % kAlignment != 0 || e.offset > h.data_size || e.size > h.data_size - e.offset) {
      return fail("index entry outside the data section");
    }
    mapping->index_[CacheKey{e.seed, e.kernel, e.bias}] = CacheEntry{e.offset, e.size};
  }
  metadata->assign(reinterpret_cast<const char*>(bytes + h.meta_offset), h.meta_size);
  mapping->data_ = bytes + h.data_offset;
  mapping->data_size_ = h.data_size;
  return mapping;
}

// ---------------------------------------------------------------------------

WeightCacheProvider::WeightCacheProvider(CacheRequest request, std::unordered_map<const void*, uint32_t> ids,
                                         std::vector<LazyWeights*> lazies)
    : request_(std::move(request)), keys_(std::move(ids), std::move(lazies)) {
  provider_.context = this;
  provider_.look_up = &WeightCacheProvider::LookUp;
  provider_.reserve_space = &WeightCacheProvider::ReserveSpace;
  provider_.look_up_or_insert = &WeightCacheProvider::LookUpOrInsert;
  provider_.is_finalized = &WeightCacheProvider::IsFinalized;
  provider_.offset_to_addr = &WeightCacheProvider::OffsetToAddr;
  provider_.delete_cache = &WeightCacheProvider::DeleteCache;
}

WeightCacheProvider::~WeightCacheProvider() {
  ReleaseLock();
  std::free(memory_);
}

void WeightCacheProvider::ReleaseLock() {
  if (lock_fd_ >= 0) {
    flock(lock_fd_, LOCK_UN);
    close(lock_fd_);
    lock_fd_ = -1;
  }
}

void WeightCacheProvider::Prepare() {
  std::string reason;
  mapping_ = CacheMapping::Open(request_.path, request_.fingerprint, &reason);
  if (mapping_) {
    report_.state = "mapped";
    finalized_ = true;
    return;
  }
  if (!reason.empty()) report_.warnings.push_back("cache file " + request_.path + " is unusable (" + reason + "); rebuilding it");
  lock_fd_ = open(request_.lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (lock_fd_ < 0) {
    report_.warnings.push_back("cannot create " + request_.lock_path + " (" + std::strerror(errno) + "); packing weights in memory for this session");
    return;
  }
  while (flock(lock_fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      report_.warnings.push_back(Errno("flock", errno) + "; packing weights in memory for this session");
      ReleaseLock();
      return;
    }
  }
  // Another process may have published the file while this one waited for the lock.
  mapping_ = CacheMapping::Open(request_.path, request_.fingerprint, &reason);
  if (mapping_) {
    ReleaseLock();
    report_.state = "mapped";
    finalized_ = true;
    return;
  }
  // Holding the lock, any temporary file for this cache belongs to a builder that died.
  std::string dir = request_.path.substr(0, request_.path.find_last_of('/') + 1);
  std::string prefix = request_.path.substr(dir.size()) + ".tmp-";
  if (DIR* d = opendir(dir.empty() ? "." : dir.c_str())) {
    while (dirent* entry = readdir(d)) {
      if (std::strncmp(entry->d_name, prefix.c_str(), prefix.size()) == 0) unlink((dir + entry->d_name).c_str());
    }
    closedir(d);
  }
  building_ = true;
}

bool WeightCacheProvider::Publish(std::string* error) {
  static std::atomic<uint32_t> counter{0};
  // Check the file size limit first: writing past it raises SIGXFSZ, which an
  // application's signal handlers (signal-exit and the like) turn into an exit.
  uint64_t file_size = sizeof(CacheHeader) + memory_size_ + memory_index_.size() * sizeof(CacheIndexEntry) + request_.metadata.size();
  struct rlimit limit{};
  if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && file_size > limit.rlim_cur) {
    *error = "File too large: the file size limit (RLIMIT_FSIZE) is " + std::to_string(limit.rlim_cur) + " bytes, the cache needs " +
             std::to_string(file_size);
    return false;
  }
  std::string tmp = request_.path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = Errno("create " + tmp, errno);
    return false;
  }
  std::vector<CacheIndexEntry> index;
  index.reserve(memory_index_.size());
  for (const auto& [key, entry] : memory_index_) index.push_back({key.seed, key.kernel, key.bias, 0, entry.offset, entry.size});
  CacheHeader h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.version = kFormatVersion;
  h.header_size = sizeof(CacheHeader);
  std::memcpy(h.fingerprint, request_.fingerprint, 32);
  h.data_offset = sizeof(CacheHeader);
  h.data_size = memory_size_;
  h.index_offset = h.data_offset + h.data_size;
  h.index_count = index.size();
  h.meta_offset = h.index_offset + index.size() * sizeof(CacheIndexEntry);
  h.meta_size = request_.metadata.size();
  h.file_size = h.meta_offset + h.meta_size;
  h.data_crc = Crc32c(memory_, memory_size_);
  h.index_crc = Crc32c(index.data(), index.size() * sizeof(CacheIndexEntry));
  h.meta_crc = Crc32c(request_.metadata.data(), request_.metadata.size());
  h.header_crc = HeaderCrc(h);
  bool ok = WriteAll(fd, &h, sizeof(h), error) && WriteAll(fd, memory_, memory_size_, error) &&
            WriteAll(fd, index.data(), index.size() * sizeof(CacheIndexEntry), error) &&
            WriteAll(fd, request_.metadata.data(), request_.metadata.size(), error);
  if (ok && fsync(fd) != 0) {
    *error = Errno("fsync", errno);
    ok = false;
  }
  if (close(fd) != 0 && ok) {
    *error = Errno("close", errno);
    ok = false;
  }
  if (ok && rename(tmp.c_str(), request_.path.c_str()) != 0) {
    *error = Errno("rename", errno);
    ok = false;
  }
  if (!ok) {
    unlink(tmp.c_str());
    return false;
  }
  std::string dir = request_.path.substr(0, request_.path.find_last_of('/') + 1);
  int dir_fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return true;
}

void WeightCacheProvider::Finish(bool publish) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (building_) {
    std::string error;
    if (!publish) {
      // What was packed may not be what the file will say (the model changed, or creation failed): never publish it.
    } else if (Publish(&error)) {
      std::string reason;
      auto published = CacheMapping::Open(request_.path, request_.fingerprint, &reason);
      if (published) {
        // Same bytes at the same offsets: from now on the mapping serves them and the memory copy goes.
        mapping_ = published;
        std::free(memory_);
        memory_ = nullptr;
        memory_capacity_ = 0;
        report_.state = "built";
      } else {
        report_.warnings.push_back("cache file " + request_.path + " could not be read back (" + reason + "); keeping weights in memory");
      }
    } else {
      report_.warnings.push_back("cannot write cache file " + request_.path + " (" + error + "); weights stay in memory for this session");
    }
    building_ = false;
    ReleaseLock();
  }
  report_.bytes = (mapping_ ? mapping_->data_size() : 0) + (memory_ != nullptr ? memory_size_ : 0);
  finalized_ = true;
}

size_t WeightCacheProvider::LookUp(void* context, const xnn_weights_cache_look_up_key* key) {
  auto* self = static_cast<WeightCacheProvider*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  CacheKey k;
  if (!self->keys_.Translate(key, &k)) {
    self->keys_.FillLazy(key);
    return SIZE_MAX;
  }
  if (self->mapping_) {
    if (const CacheEntry* e = self->mapping_->Find(k)) return e->offset;
  }
  auto it = self->memory_index_.find(k);
  if (it != self->memory_index_.end()) return self->building_ ? it->second.offset : kMemoryBase + it->second.offset;
  // A miss: XNNPACK packs from the kernel and bias next, so lazy weights must hold their values now.
  self->keys_.FillLazy(key);
  return SIZE_MAX;
}

void* WeightCacheProvider::ReserveSpace(void* context, size_t n) {
  auto* self = static_cast<WeightCacheProvider*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  size_t start = AlignUp(self->memory_size_);
  size_t needed = start + n;
  if (needed > self->memory_capacity_) {
    size_t capacity = AlignUp(std::max(needed, self->memory_capacity_ * 2 + (size_t{1} << 20)));
    void* grown = std::aligned_alloc(kAlignment, capacity);
    if (grown == nullptr) return nullptr;
    if (self->memory_ != nullptr) std::memcpy(grown, self->memory_, self->memory_size_);
    std::free(self->memory_);
    self->memory_ = static_cast<uint8_t*>(grown);
    self->memory_capacity_ = capacity;
  }
  // Zero the alignment gap so the file's bytes never depend on leftovers.
  std::memset(self->memory_ + self->memory_size_, 0, start - self->memory_size_);
  // XNNPACK packs into all of it next.
  PopulateForWrite(self->memory_ + start, n);
  return self->memory_ + start;
}

size_t WeightCacheProvider::LookUpOrInsert(void* context, const xnn_weights_cache_look_up_key* key, void* ptr, size_t size) {
  auto* self = static_cast<WeightCacheProvider*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  CacheKey k;
  bool identified = self->keys_.Translate(key, &k);
  if (identified) {
    if (self->mapping_) {
      if (const CacheEntry* e = self->mapping_->Find(k)) return e->offset;
    }
    auto it = self->memory_index_.find(k);
    if (it != self->memory_index_.end()) return self->building_ ? it->second.offset : kMemoryBase + it->second.offset;
  }
  if (ptr == nullptr || self->memory_ == nullptr) return SIZE_MAX;
  size_t start = AlignUp(self->memory_size_);
  if (static_cast<uint8_t*>(ptr) != self->memory_ + start || start + size > self->memory_capacity_) return SIZE_MAX;
  self->memory_size_ = start + size;
  if (identified) {
    self->memory_index_[k] = CacheEntry{start, size};
  } else {
    self->anonymous_.push_back(CacheEntry{start, size});
  }
  if (!self->building_) self->report_.misses++;
  return self->building_ ? start : kMemoryBase + start;
}

bool WeightCacheProvider::IsFinalized(void* context) {
  auto* self = static_cast<WeightCacheProvider*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  return self->finalized_;
}

void* WeightCacheProvider::OffsetToAddr(void* context, size_t offset) {
  auto* self = static_cast<WeightCacheProvider*>(context);
  std::lock_guard<std::mutex> lock(self->mutex_);
  if (offset >= kMemoryBase) return self->memory_ + (offset - kMemoryBase);
  if (self->mapping_) return const_cast<uint8_t*>(self->mapping_->data()) + offset;
  return self->memory_ + offset;
}

bool WeightCacheProvider::Faulted() const { return mapping_ && mapping_->Faulted(); }

xnn_status WeightCacheProvider::DeleteCache(void*) {
  // The runtime that owns this provider deletes it; XNNPACK must not.
  return xnn_status_success;
}

}  // namespace xnnlite
