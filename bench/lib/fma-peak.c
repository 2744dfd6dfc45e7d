// Single-core FP32 FMA peak: independent accumulators so that FMA latency is
// hidden and only throughput counts. Prints GFLOP/s for 256-bit (AVX2+FMA)
// and, where the CPU has it, 512-bit (AVX-512F) vectors.
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define ACCUMULATORS 12

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx2,fma"))) static double avx2(long iterations) {
  __m256 acc[ACCUMULATORS];
  for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm256_set1_ps((float)i);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  double start = now();
  for (long n = 0; n < iterations; n++) {
    for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  }
  double seconds = now() - start;
  float sink = 0;
  for (int i = 0; i < ACCUMULATORS; i++) sink += _mm256_cvtss_f32(acc[i]);
  if (sink == 12345.0f) printf("#");
  return 2.0 * 8 * ACCUMULATORS * iterations / seconds / 1e9;
}

__attribute__((target("avx512f"))) static double avx512(long iterations) {
  __m512 acc[ACCUMULATORS];
  for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm512_set1_ps((float)i);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  double start = now();
  for (long n = 0; n < iterations; n++) {
    for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  }
  double seconds = now() - start;
  float sink = 0;
  for (int i = 0; i < ACCUMULATORS; i++) sink += _mm512_reduce_add_ps(acc[i]);
  if (sink == 12345.0f) printf("#");
  return 2.0 * 16 * ACCUMULATORS * iterations / seconds / 1e9;
}

int main(void) {
  __builtin_cpu_init();
  double best256 = 0, best512 = 0;
  for (int trial = 0; trial < 5; trial++) {
    double g = avx2(20000000);
    if (g > best256) best256 = g;
    if (__builtin_cpu_supports("avx512f")) {
      g = avx512(10000000);
      if (g > best512) best512 = g;
    }
  }
  printf("{\"avx2\": %.1f, \"avx512\": %.1f}\n", best256, best512);
  return 0;
}
