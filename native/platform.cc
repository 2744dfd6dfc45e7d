#include "platform.h"

#include <xnnpack.h>
#include <xnnpack/hardware-config.h>

#include <cstdio>

#include "addon_data.h"

#ifndef XNNLITE_XNNPACK_VERSION
#define XNNLITE_XNNPACK_VERSION "unknown"
#endif
#ifndef XNNLITE_XNNPACK_COMPILER
#define XNNLITE_XNNPACK_COMPILER "unknown"
#endif

namespace xnnlite {
namespace {

struct IsaName {
  uint64_t flag;
  const char* name;
};

const IsaName kIsaNames[] = {
#if XNN_ARCH_X86 || XNN_ARCH_X86_64
    {xnn_arch_x86_ssse3, "ssse3"},
    {xnn_arch_x86_sse4_1, "sse4.1"},
    {xnn_arch_x86_avx, "avx"},
    {xnn_arch_x86_f16c, "f16c"},
    {xnn_arch_x86_fma3, "fma3"},
    {xnn_arch_x86_avx2, "avx2"},
    {xnn_arch_x86_avxvnni, "avxvnni"},
    {xnn_arch_x86_avxvnniint8, "avxvnniint8"},
    {xnn_arch_x86_avx256skx, "avx256skx"},
    {xnn_arch_x86_avx256vnni, "avx256vnni"},
    {xnn_arch_x86_avx256vnnigfni, "avx256vnnigfni"},
    {xnn_arch_x86_avx512f, "avx512f"},
    {xnn_arch_x86_avx512vbmi, "avx512vbmi"},
    {xnn_arch_x86_avx512skx, "avx512skx"},
    {xnn_arch_x86_avx512vnni, "avx512vnni"},
    {xnn_arch_x86_avx512vnnigfni, "avx512vnnigfni"},
    {xnn_arch_x86_avx512amx, "avx512amx"},
    {xnn_arch_x86_avx512fp16, "avx512fp16"},
#endif
#if XNN_ARCH_ARM || XNN_ARCH_ARM64
    {xnn_arch_arm_v6, "armv6"},
    {xnn_arch_arm_vfpv2, "vfpv2"},
    {xnn_arch_arm_vfpv3, "vfpv3"},
    {xnn_arch_arm_neon, "neon"},
    {xnn_arch_arm_neon_fp16, "neon-fp16"},
    {xnn_arch_arm_neon_fma, "neon-fma"},
    {xnn_arch_arm_neon_v8, "neon-v8"},
    {xnn_arch_arm_fp16_arith, "fp16-arith"},
    {xnn_arch_arm_neon_fp16_arith, "neon-fp16-arith"},
    {xnn_arch_arm_neon_bf16, "neon-bf16"},
    {xnn_arch_arm_neon_dot, "neon-dot"},
    {xnn_arch_arm_neon_i8mm, "neon-i8mm"},
    {xnn_arch_arm_sve, "sve"},
    {xnn_arch_arm_sve2, "sve2"},
    {xnn_arch_arm_sme, "sme"},
    {xnn_arch_arm_sme2, "sme2"},
#endif
};

const char* ArchName() {
#if XNN_ARCH_X86_64
  return "x86_64";
#elif XNN_ARCH_X86
  return "x86";
#elif XNN_ARCH_ARM64
  return "arm64";
#elif XNN_ARCH_ARM
  return "arm";
#else
  return "other";
#endif
}

std::string HexOf(const void* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; i++) {
    hex.push_back(kDigits[bytes[i] >> 4]);
    hex.push_back(kDigits[bytes[i] & 15]);
  }
  return hex;
}

}  // namespace

uint64_t ArchFlags() {
  const xnn_hardware_config* config = xnn_init_hardware_config();
  return config != nullptr ? config->arch_flags : 0;
}

std::vector<std::string> DetectedIsa() {
  std::vector<std::string> names;
  uint64_t flags = ArchFlags();
  for (const IsaName& isa : kIsaNames) {
    if ((flags & isa.flag) != 0) names.emplace_back(isa.name);
  }
  return names;
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("xnnpack", XNNLITE_XNNPACK_VERSION);
  result.Set("xnnpackCompiler", XNNLITE_XNNPACK_COMPILER);
  result.Set("buildIdentifier", HexOf(xnn_experimental_get_build_identifier_data(),
                                      xnn_experimental_get_build_identifier_size()));
  result.Set("arch", ArchName());
  bool initialized = Data(env).init_status == xnn_status_success;
  result.Set("initialized", initialized);
  std::vector<std::string> isa = initialized ? DetectedIsa() : std::vector<std::string>{};
  Napi::Array isa_array = Napi::Array::New(env, isa.size());
  for (size_t i = 0; i < isa.size(); i++) isa_array.Set(static_cast<uint32_t>(i), isa[i]);
  result.Set("isa", isa_array);
  char flags_hex[19];
  std::snprintf(flags_hex, sizeof(flags_hex), "0x%llx", static_cast<unsigned long long>(initialized ? ArchFlags() : 0));
  result.Set("archFlags", flags_hex);
  return result;
}

}  // namespace xnnlite
