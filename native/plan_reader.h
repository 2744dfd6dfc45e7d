// Typed reads of the plan object lib/plan builds for SessionRuntime.create.
// A malformed plan (from a direct caller of the binding) is a
// std::runtime_error naming the field, never a crash. JS may run while a
// plan is read (a getter), so lengths are read once and every value is
// checked when it is read.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

namespace xnnlite::plan_reader {

Napi::Value Field(const Napi::Object& object, const char* key);
Napi::Array ArrayField(const Napi::Object& object, const char* key);
Napi::Object ObjectAt(const Napi::Array& array, uint32_t k, const char* what);
std::vector<double> Reals(const Napi::Value& value, const char* what);
std::vector<int64_t> Integers(const Napi::Value& value, const char* what);
// An integer field within [lo, hi]; `what` names it in the error (default: the key).
int64_t IntegerField(const Napi::Object& object, const char* key, int64_t lo, int64_t hi, const char* what = nullptr);

}  // namespace xnnlite::plan_reader
