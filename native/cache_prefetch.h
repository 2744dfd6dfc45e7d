// Opening a weight-cache file ahead of the session that will use it: the
// file is mapped and verified (checksums over all of it) on the task pool
// while the JavaScript thread reads and lowers the model, and held so that
// the session's provider finds it in the process's registry of mappings.
#pragma once

#include <napi.h>

#include <map>
#include <memory>
#include <string>

namespace xnnlite {

class CacheMapping;

// Per environment: the mappings held for sessions still to come, by path, with a count of holders.
struct CacheHolds {
  std::map<std::string, std::pair<std::shared_ptr<CacheMapping>, int>> by_path;
};

// prefetchCacheFile(path, fingerprint: Uint8Array(32)) -> Promise<boolean>: true when a valid
// file is mapped and now held; false when there is none (or it is unusable: the session reports why).
Napi::Value PrefetchCacheFile(const Napi::CallbackInfo& info);
// releaseCacheFile(path): drops one hold taken by prefetchCacheFile (nothing if there is none).
Napi::Value ReleaseCacheFile(const Napi::CallbackInfo& info);

}  // namespace xnnlite
