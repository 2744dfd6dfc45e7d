// The addon must load on every Linux that Node.js 20 supports, down to glibc
// 2.28 (Debian 10/11, Ubuntu 20.04, RHEL 8), whatever glibc it was built
// against. libstdc++ and libgcc are linked statically (CMakeLists.txt), which
// leaves the handful of glibc symbols whose default version is newer than
// 2.28. The linker routes every reference to them, ours, XNNPACK's and the
// static C++ runtime's, through the __wrap_ functions below (-Wl,--wrap),
// which call the versions that glibc 2.28 already exported (newer glibc keeps
// exporting those for compatibility) or, for functions 2.28 lacks, do the same
// job with older ones. CMakeLists.txt lists the wrapped names; test/09 reads
// the shipped binaries' symbol versions, and fails when a change of code or
// toolchain brings in another newer symbol (lstat, log, pow... would be next):
// add it here and to the list then.
#include <features.h>

#if defined(__GLIBC__)

#include <link.h>
#include <pthread.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#if __GLIBC_PREREQ(2, 35)
#include <dlfcn.h>
#endif

// The oldest symbol version of each architecture's glibc, and the stat
// structure revision (_STAT_VER) that matches today's `struct stat` there.
#if defined(__x86_64__)
#define XNNLITE_GLIBC_BASE "GLIBC_2.2.5"
#define XNNLITE_STAT_VER 1
#elif defined(__aarch64__)
#define XNNLITE_GLIBC_BASE "GLIBC_2.17"
#define XNNLITE_STAT_VER 0
#elif defined(__arm__)
#define XNNLITE_GLIBC_BASE "GLIBC_2.4"
#define XNNLITE_STAT_VER 3
#else
#error "glibc_floor.cc: add this architecture's oldest glibc symbol version"
#endif

#define XNNLITE_BIND_OLD(local, symbol) __asm__(".symver " #local ", " #symbol "@" XNNLITE_GLIBC_BASE)
#define XNNLITE_WRAPPER extern "C" __attribute__((visibility("hidden")))

extern "C" {
// glibc 2.34 moved libpthread into libc under new versions; the old ones stay.
// On glibc 2.28-2.33 these live in libpthread.so.0 while the addon records
// them as needed from libc.so.6: the dynamic linker matches a versioned
// symbol by name and version in any loaded object, and Node links libpthread.
int glibc_pthread_create(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
int glibc_pthread_join(pthread_t, void**);
int glibc_pthread_detach(pthread_t);
int glibc_pthread_once(pthread_once_t*, void (*)());
int glibc_pthread_key_create(pthread_key_t*, void (*)(void*));
int glibc___pthread_key_create(pthread_key_t*, void (*)(void*));
int glibc_pthread_key_delete(pthread_key_t);
void* glibc_pthread_getspecific(pthread_key_t);
int glibc_pthread_setspecific(pthread_key_t, const void*);
// Before 2.33, stat and fstat were inline wrappers around these.
int glibc_xstat(int, const char*, struct stat*);
int glibc_fxstat(int, int, struct stat*);
// 2.29 gave exp, exp2, log, log2 and pow new versions (without the SVID
// error handling); same results.
double glibc_exp(double);
double glibc_exp2(double);
double glibc_log(double);
double glibc_log2(double);
double glibc_pow(double, double);
}
XNNLITE_BIND_OLD(glibc_pthread_create, pthread_create);
XNNLITE_BIND_OLD(glibc_pthread_join, pthread_join);
XNNLITE_BIND_OLD(glibc_pthread_detach, pthread_detach);
XNNLITE_BIND_OLD(glibc_pthread_once, pthread_once);
XNNLITE_BIND_OLD(glibc_pthread_key_create, pthread_key_create);
XNNLITE_BIND_OLD(glibc___pthread_key_create, __pthread_key_create);
XNNLITE_BIND_OLD(glibc_pthread_key_delete, pthread_key_delete);
XNNLITE_BIND_OLD(glibc_pthread_getspecific, pthread_getspecific);
XNNLITE_BIND_OLD(glibc_pthread_setspecific, pthread_setspecific);
XNNLITE_BIND_OLD(glibc_xstat, __xstat);
XNNLITE_BIND_OLD(glibc_fxstat, __fxstat);
XNNLITE_BIND_OLD(glibc_exp, exp);
XNNLITE_BIND_OLD(glibc_exp2, exp2);
XNNLITE_BIND_OLD(glibc_log, log);
XNNLITE_BIND_OLD(glibc_log2, log2);
XNNLITE_BIND_OLD(glibc_pow, pow);

XNNLITE_WRAPPER int __wrap_pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*),
                                          void* arg) {
  return glibc_pthread_create(thread, attr, start, arg);
}
XNNLITE_WRAPPER int __wrap_pthread_join(pthread_t thread, void** result) { return glibc_pthread_join(thread, result); }
XNNLITE_WRAPPER int __wrap_pthread_detach(pthread_t thread) { return glibc_pthread_detach(thread); }
XNNLITE_WRAPPER int __wrap_pthread_once(pthread_once_t* once, void (*init)()) { return glibc_pthread_once(once, init); }
XNNLITE_WRAPPER int __wrap_pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
  return glibc_pthread_key_create(key, destructor);
}
XNNLITE_WRAPPER int __wrap___pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
  return glibc___pthread_key_create(key, destructor);
}
XNNLITE_WRAPPER int __wrap_pthread_key_delete(pthread_key_t key) { return glibc_pthread_key_delete(key); }
XNNLITE_WRAPPER void* __wrap_pthread_getspecific(pthread_key_t key) { return glibc_pthread_getspecific(key); }
XNNLITE_WRAPPER int __wrap_pthread_setspecific(pthread_key_t key, const void* value) {
  return glibc_pthread_setspecific(key, value);
}
XNNLITE_WRAPPER int __wrap_stat(const char* path, struct stat* st) { return glibc_xstat(XNNLITE_STAT_VER, path, st); }
XNNLITE_WRAPPER int __wrap_fstat(int fd, struct stat* st) { return glibc_fxstat(XNNLITE_STAT_VER, fd, st); }
XNNLITE_WRAPPER double __wrap_exp(double x) { return glibc_exp(x); }
XNNLITE_WRAPPER double __wrap_exp2(double x) { return glibc_exp2(x); }
XNNLITE_WRAPPER double __wrap_log(double x) { return glibc_log(x); }
XNNLITE_WRAPPER double __wrap_log2(double x) { return glibc_log2(x); }
XNNLITE_WRAPPER double __wrap_pow(double x, double y) { return glibc_pow(x, y); }

// libstdc++ (GCC 11 and later) skips atomic reference counting when glibc 2.32+
// says the process is single-threaded. Never claiming so is always correct.
extern "C" {
__attribute__((visibility("hidden"))) char __wrap___libc_single_threaded = 0;
}

// libstdc++'s std::random_device may use arc4random (2.36), which cannot
// fail; getrandom is 2.25, and /dev/urandom serves kernels older than 3.17.
XNNLITE_WRAPPER uint32_t __wrap_arc4random() {
  uint32_t value = 0;
  ssize_t n;
  do {
    n = getrandom(&value, sizeof value, 0);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof value)) return value;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    do {
      n = read(fd, &value, sizeof value);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n == static_cast<ssize_t>(sizeof value)) return value;
  }
  // Nothing xnnlite runs asks for random numbers; this only keeps the contract.
  std::abort();
}

#if __GLIBC_PREREQ(2, 35)
// The unwinder of libgcc 12 finds a frame's unwind tables with
// _dl_find_object (2.35). dl_iterate_phdr (every version) finds the same
// segments: the loaded object whose PT_LOAD segments hold `pc`, and its
// PT_GNU_EH_FRAME (or, on 32-bit Arm, PT_ARM_EXIDX) segment.
namespace {
struct ObjectQuery {
  uintptr_t pc;
  dl_find_object* result;
  bool found;
};

int FindObjectOf(dl_phdr_info* info, size_t, void* data) {
  auto* query = static_cast<ObjectQuery*>(data);
  uintptr_t start = UINTPTR_MAX, end = 0;
  bool contains = false;
  const ElfW(Phdr)* unwind = nullptr;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    const uintptr_t low = info->dlpi_addr + segment.p_vaddr;
    if (segment.p_type == PT_LOAD) {
      if (low < start) start = low;
      if (low + segment.p_memsz > end) end = low + segment.p_memsz;
      if (query->pc >= low && query->pc < low + segment.p_memsz) contains = true;
#if defined(__arm__)
    } else if (segment.p_type == PT_ARM_EXIDX) {
#else
    } else if (segment.p_type == PT_GNU_EH_FRAME) {
#endif
      unwind = &segment;
    }
  }
  if (!contains) return 0;
  std::memset(query->result, 0, sizeof *query->result);
  query->result->dlfo_map_start = reinterpret_cast<void*>(start);
  query->result->dlfo_map_end = reinterpret_cast<void*>(end);
  if (unwind != nullptr) {
    query->result->dlfo_eh_frame = reinterpret_cast<void*>(info->dlpi_addr + unwind->p_vaddr);
#if DLFO_STRUCT_HAS_EH_COUNT
    query->result->dlfo_eh_count = static_cast<int>(unwind->p_memsz / 8);
#endif
  }
  query->found = true;
  return 1;
}
}  // namespace

XNNLITE_WRAPPER int __wrap__dl_find_object(void* pc, dl_find_object* result) {
  ObjectQuery query{reinterpret_cast<uintptr_t>(pc), result, false};
  dl_iterate_phdr(FindObjectOf, &query);
  return query.found ? 0 : -1;
}
#endif  // glibc 2.35

#endif  // __GLIBC__
