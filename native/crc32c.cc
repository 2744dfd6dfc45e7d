#include "crc32c.h"

#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <arm_acle.h>
#include <sys/auxv.h>
#endif

namespace xnnlite {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;  // Castagnoli, reflected

// Eight tables: entries[k][b] is the register change of byte b followed by
// k zero bytes, so eight bytes fold in with eight independent lookups.
struct Tables {
  uint32_t entries[8][256];
  Tables() {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ kPolynomial : c >> 1;
      entries[0][i] = c;
    }
    for (int k = 1; k < 8; k++) {
      for (uint32_t i = 0; i < 256; i++) entries[k][i] = (entries[k - 1][i] >> 8) ^ entries[0][entries[k - 1][i] & 0xff];
    }
  }
};

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "crc32c.cc reads words as little-endian");

// The CRC register after `n` more bytes, without the initial and final
// inversions (so it is linear in the starting register).
uint32_t SoftwareUpdate(uint32_t crc, const uint8_t* p, size_t n) {
  static const Tables tables;
  const auto& t = tables.entries;
  for (; n >= 8; p += 8, n -= 8) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= crc;
    crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^ t[3][hi & 0xff] ^
          t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
  }
  for (; n > 0; p++, n--) crc = t[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
  return crc;
}

// Hardware CRC instructions take several cycles each but pipeline, so three
// independent streams (thirds of a block) run about three times as fast as
// one. The streams are joined with the linear map "feed n zero bytes",
// tabulated once per stream length by running that map on each register bit.
constexpr size_t kStream = 8192;

struct ZerosOperator {
  uint32_t byte_tables[4][256];
  template <typename Update>
  ZerosOperator(Update update, size_t n) {
    static const uint8_t zeros[2 * kStream] = {};
    uint32_t columns[32];
    for (int bit = 0; bit < 32; bit++) columns[bit] = update(1u << bit, zeros, n);
    for (int k = 0; k < 4; k++) {
      for (uint32_t b = 0; b < 256; b++) {
        uint32_t v = 0;
        for (int bit = 0; bit < 8; bit++) {
          if (b & (1u << bit)) v ^= columns[8 * k + bit];
        }
        byte_tables[k][b] = v;
      }
    }
  }
  uint32_t Apply(uint32_t crc) const {
    return byte_tables[0][crc & 0xff] ^ byte_tables[1][(crc >> 8) & 0xff] ^ byte_tables[2][(crc >> 16) & 0xff] ^
           byte_tables[3][crc >> 24];
  }
};

[[maybe_unused]] uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// One block of three streams: the register after the block, from the
// registers of its thirds (the first started from the incoming register, the
// others from zero). `Update` is the single-stream form, for the tables.
template <typename Update>
uint32_t JoinStreams(Update update, uint32_t a, uint32_t b, uint32_t c) {
  static const ZerosOperator shift_one(update, kStream);
  static const ZerosOperator shift_two(update, 2 * kStream);
  return shift_two.Apply(a) ^ shift_one.Apply(b) ^ c;
}

// The instructions are only available inside functions compiled for them, so
// each architecture has its own copy of the three-stream loop (a call per
// step would cost more than the interleaving gains).
#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Sse42Update(uint32_t crc, const uint8_t* p, size_t n) {
  for (; n >= 8; p += 8, n -= 8) crc = static_cast<uint32_t>(_mm_crc32_u64(crc, Load64(p)));
  for (; n > 0; p++, n--) crc = _mm_crc32_u8(crc, *p);
  return crc;
}

__attribute__((target("sse4.2"))) uint32_t HardwareUpdate(uint32_t crc, const uint8_t* p, size_t n) {
  for (; n >= 3 * kStream; p += 3 * kStream, n -= 3 * kStream) {
    uint64_t a = crc, b = 0, c = 0;
    for (size_t i = 0; i < kStream; i += 8) {
      a = _mm_crc32_u64(a, Load64(p + i));
      b = _mm_crc32_u64(b, Load64(p + kStream + i));
      c = _mm_crc32_u64(c, Load64(p + 2 * kStream + i));
    }
    crc = JoinStreams(Sse42Update, static_cast<uint32_t>(a), static_cast<uint32_t>(b), static_cast<uint32_t>(c));
  }
  return Sse42Update(crc, p, n);
}

bool HasCrcInstructions() { return __builtin_cpu_supports("sse4.2"); }

#elif defined(__aarch64__) && defined(__linux__)
// ARMv8's optional CRC32 extension (every Raspberry Pi from the 3 on).
__attribute__((target("+crc"))) uint32_t ArmUpdate(uint32_t crc, const uint8_t* p, size_t n) {
  for (; n >= 8; p += 8, n -= 8) crc = __crc32cd(crc, Load64(p));
  for (; n > 0; p++, n--) crc = __crc32cb(crc, *p);
  return crc;
}

__attribute__((target("+crc"))) uint32_t HardwareUpdate(uint32_t crc, const uint8_t* p, size_t n) {
  for (; n >= 3 * kStream; p += 3 * kStream, n -= 3 * kStream) {
    uint32_t a = crc, b = 0, c = 0;
    for (size_t i = 0; i < kStream; i += 8) {
      a = __crc32cd(a, Load64(p + i));
      b = __crc32cd(b, Load64(p + kStream + i));
      c = __crc32cd(c, Load64(p + 2 * kStream + i));
    }
    crc = JoinStreams(ArmUpdate, a, b, c);
  }
  return ArmUpdate(crc, p, n);
}

bool HasCrcInstructions() { return (getauxval(AT_HWCAP) & (1ul << 7)) != 0; }  // HWCAP_CRC32

#else
bool HasCrcInstructions() { return false; }
uint32_t HardwareUpdate(uint32_t crc, const uint8_t* p, size_t n) { return SoftwareUpdate(crc, p, n); }
#endif

}  // namespace

uint32_t Crc32c(const void* data, size_t size, uint32_t crc) {
  static const bool hardware = HasCrcInstructions();
  const auto* p = static_cast<const uint8_t*>(data);
  return ~(hardware ? HardwareUpdate(~crc, p, size) : SoftwareUpdate(~crc, p, size));
}

}  // namespace xnnlite
