/*
 * Optional native accelerator on an optimised BLAS, for the two packages whose inner loops are dense linear algebra:
 *
 * - models (training): the wasm kernels in packages/models/src/wasm-kernels.ts express convolutions and their
 *   gradients as matrix products over the wasm heap; XNNPACK's wasm SIMD GEMM (128-bit, no fused multiply-add) is
 *   most of an FCN epoch. With this addon those products run through cblas_sgemm on the same memory (the Float32Array
 *   views of the wasm heap are passed straight through; nothing is copied).
 * - optimizer (Gaussian processes): the Cholesky factor of the kernel matrix (LAPACK dpotrf) and the triangular
 *   solves behind the posterior variance of many candidates at once (cblas_dtrsm), in float64. These are O(n^3) and
 *   O(n^2) per candidate, most of a suggestion at a few hundred observations.
 *
 * No BLAS is linked at build time: the library is found with dlopen, so the addon builds with nothing but a C
 * compiler and Node's own headers, and a machine without a BLAS simply keeps XNNPACK. Candidates, in order:
 * $PARETOBENCH_BLAS (a path or soname), OpenBLAS, BLIS, MKL. The reference BLAS (libblas.so.3 from netlib) is
 * deliberately not a candidate: it is slower than XNNPACK.
 *
 * Threads: one by default (the studies run one training per core); $PARETOBENCH_BLAS_THREADS overrides.
 *
 * OpenBLAS picks its kernels by CPU model at load time and falls back to a generic SSE3 kernel ("Prescott") for a
 * model it does not know: Debian 12's OpenBLAS 0.3.21 does so on Intel Xeon family 6 model 207 (Emerald Rapids),
 * where the FCN then trains 3x slower than PyTorch instead of at its speed. When the library reports such a
 * fallback core on a CPU with AVX2 and FMA, and the user has not set OPENBLAS_CORETYPE, the library is closed and
 * opened again with OPENBLAS_CORETYPE naming the best kernel family the CPU runs (SkylakeX with AVX-512 F/BW/VL/DQ,
 * else Haswell).
 *
 * Exports:
 *   sgemm(transA, transB, M, N, K, a, b, c): c[M x N] = op(a) @ op(b), all row-major Float32Arrays; op(a) is M x K
 *     (a is K x M when transA), op(b) is K x N (b is N x K when transB). Sizes are checked against the arrays.
 *   dsolveLowerRows(L, n, m, B): B <- B L^-T in place, i.e. each of the m rows b of B (row-major m x n, Float64Array)
 *     becomes the solution x of L x = b, for L lower triangular (row-major n x n, Float64Array).
 *   dcholesky(A, n): in place, A (row-major symmetric n x n, Float64Array) becomes its lower Cholesky factor L with the
 *     strict upper triangle zeroed; returns 0, or k > 0 when the leading minor of order k is not positive definite
 *     (A is then partly overwritten). Present only when the library has LAPACK's dpotrf (OpenBLAS and MKL do).
 *   library: the name of the BLAS that was opened.
 *   core: OpenBLAS's kernel family in use ("" for another BLAS); coreFallback: the generic core it detected before
 *     OPENBLAS_CORETYPE was set ("" when it was not).
 * Loading the module throws (with the names tried) when no candidate library opens.
 */
#define NAPI_VERSION 8
#define _POSIX_C_SOURCE 200112L /* setenv */
#include <dlfcn.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112, LOWER = 122, RIGHT = 142, NON_UNIT = 131 };
typedef void (*sgemm_fn)(int order, int transa, int transb, int m, int n, int k, float alpha, const float *a, int lda,
                         const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*dtrsm_fn)(int order, int side, int uplo, int trans, int diag, int m, int n, double alpha,
                         const double *a, int lda, double *b, int ldb);
typedef void (*dpotrf_fn)(const char *uplo, const int *n, double *a, const int *lda, int *info);
typedef void (*set_threads_fn)(int);

typedef const char *(*corename_fn)(void);

static sgemm_fn cblas_sgemm_ptr = NULL;
static dtrsm_fn cblas_dtrsm_ptr = NULL;
static dpotrf_fn dpotrf_ptr = NULL;
static char library_name[256] = "";
static char core_name[64] = "";
static char core_fallback[64] = "";

/* OpenBLAS's generic x86-64 kernel families: what it falls back to for a CPU model it does not know. */
static int generic_core(const char *core) {
  const char *generic[] = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine",
                           "Northwood", "Banias", "Unknown"};
  for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++)
    if (strcmp(core, generic[i]) == 0) return 1;
  return 0;
}

/* The best OpenBLAS kernel family this CPU runs, or NULL when it has neither AVX-512 nor AVX2 with FMA. */
static const char *best_core(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return NULL;
}

static void read_core(void *handle) {
  corename_fn corename = (corename_fn)dlsym(handle, "openblas_get_corename");
  const char *core = corename ? corename() : NULL;
  snprintf(core_name, sizeof core_name, "%s", core ? core : "");
}

static int open_blas(char *tried, size_t tried_len) {
  const char *env = getenv("PARETOBENCH_BLAS");
  const char *candidates[] = {env, "libopenblas.so.0", "libopenblas.so", "libblis.so.4", "libblis.so", "libmkl_rt.so.2",
                              "libmkl_rt.so"};
  const char *set_threads_names[] = {"openblas_set_num_threads", "bli_thread_set_num_threads", "MKL_Set_Num_Threads"};
  int threads = 1;
  const char *env_threads = getenv("PARETOBENCH_BLAS_THREADS");
  if (env_threads && atoi(env_threads) > 0) threads = atoi(env_threads);
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
    const char *name = candidates[i];
    if (!name || !*name) continue;
    size_t used = strlen(tried);
    snprintf(tried + used, tried_len - used, "%s%s", used ? ", " : "", name);
    void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!handle) continue;
    sgemm_fn fn = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    if (!fn) {
      dlclose(handle);
      continue;
    }
    read_core(handle);
    const char *better = best_core();
    if (*core_name && generic_core(core_name) && better && !getenv("OPENBLAS_CORETYPE")) {
      /* OpenBLAS reads OPENBLAS_CORETYPE when it is loaded: close it (the last reference, so it is unloaded) and open
       * it again with the variable set. */
      char detected[64];
      snprintf(detected, sizeof detected, "%s", core_name);
      dlclose(handle);
      setenv("OPENBLAS_CORETYPE", better, 1);
      handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      /* read once at load: unset again, so processes this one starts see the user's environment */
      unsetenv("OPENBLAS_CORETYPE");
      fn = handle ? (sgemm_fn)dlsym(handle, "cblas_sgemm") : NULL;
      if (!fn) {
        if (handle) dlclose(handle);
        continue;
      }
      read_core(handle);
      /* the fallback is reported only if the reopen took effect (the library was really unloaded and honours it) */
      if (strcmp(core_name, detected) != 0) snprintf(core_fallback, sizeof core_fallback, "%s", detected);
    }
    for (size_t j = 0; j < sizeof set_threads_names / sizeof set_threads_names[0]; j++) {
      set_threads_fn st = (set_threads_fn)dlsym(handle, set_threads_names[j]);
      if (st) st(threads);
    }
    cblas_sgemm_ptr = fn;
    cblas_dtrsm_ptr = (dtrsm_fn)dlsym(handle, "cblas_dtrsm");
    dpotrf_ptr = (dpotrf_fn)dlsym(handle, "dpotrf_");
    snprintf(library_name, sizeof library_name, "%s", name);
    return 1;
  }
  return 0;
}

#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) {                                                                                           \
      napi_throw_error(env, NULL, "blas: N-API call failed: " #call);                                                 \
      return NULL;                                                                                                     \
    }                                                                                                                  \
  } while (0)

/* The data of a typed array of the given type, or NULL with a TypeError thrown naming fn and what. */
static void *typed_array(napi_env env, napi_value v, napi_typedarray_type want, size_t *length, const char *fn,
                         const char *what) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, length, &data, NULL, NULL) != napi_ok || type != want) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s: %s must be a %s", fn, what, want == napi_float32_array ? "Float32Array" : "Float64Array");
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  return data;
}

static float *float_array(napi_env env, napi_value v, size_t *length, const char *what) {
  return (float *)typed_array(env, v, napi_float32_array, length, "sgemm", what);
}

/* A positive 32-bit integer argument, or 0 with a RangeError thrown naming fn and what. */
static int64_t dimension(napi_env env, napi_value v, const char *fn, const char *what) {
  int64_t x;
  if (napi_get_value_int64(env, v, &x) != napi_ok || x < 1 || x > 0x7fffffff) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s: %s must be a positive 32-bit integer", fn, what);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  return x;
}

/* Exactly `want` arguments into argv, or false with a TypeError naming the call's usage. */
static bool get_arguments(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != want) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s: expected %zu arguments", usage, want);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  return true;
}

static napi_value sgemm(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!get_arguments(env, info, 8, argv, "sgemm(transA, transB, M, N, K, a, b, c)")) return NULL;
  bool trans_a, trans_b;
  CHECK(napi_get_value_bool(env, argv[0], &trans_a));
  CHECK(napi_get_value_bool(env, argv[1], &trans_b));
  int64_t dims[3];
  const char *dim_names[3] = {"M", "N", "K"};
  for (int i = 0; i < 3; i++)
    if (!(dims[i] = dimension(env, argv[2 + i], "sgemm", dim_names[i]))) return NULL;
  const int64_t m = dims[0], n = dims[1], k = dims[2];
  size_t la, lb, lc;
  float *a = float_array(env, argv[5], &la, "a");
  if (!a) return NULL;
  float *b = float_array(env, argv[6], &lb, "b");
  if (!b) return NULL;
  float *c = float_array(env, argv[7], &lc, "c");
  if (!c) return NULL;
  if ((int64_t)la < m * k || (int64_t)lb < k * n || (int64_t)lc < m * n) {
    char msg[160];
    snprintf(msg, sizeof msg, "sgemm: array too short for M=%lld N=%lld K=%lld (a %zu, b %zu, c %zu elements)",
             (long long)m, (long long)n, (long long)k, la, lb, lc);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  cblas_sgemm_ptr(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, (int)m, (int)n, (int)k, 1.0f, a,
                  trans_a ? (int)m : (int)k, b, trans_b ? (int)k : (int)n, 0.0f, c, (int)n);
  return NULL;
}

static napi_value dsolve_lower_rows(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_arguments(env, info, 4, argv, "dsolveLowerRows(L, n, m, B)")) return NULL;
  const int64_t n = dimension(env, argv[1], "dsolveLowerRows", "n");
  if (!n) return NULL;
  const int64_t m = dimension(env, argv[2], "dsolveLowerRows", "m");
  if (!m) return NULL;
  size_t ll, lb;
  double *l = (double *)typed_array(env, argv[0], napi_float64_array, &ll, "dsolveLowerRows", "L");
  if (!l) return NULL;
  double *b = (double *)typed_array(env, argv[3], napi_float64_array, &lb, "dsolveLowerRows", "B");
  if (!b) return NULL;
  if ((int64_t)ll < n * n || (int64_t)lb < m * n) {
    char msg[160];
    snprintf(msg, sizeof msg, "dsolveLowerRows: array too short for n=%lld m=%lld (L %zu, B %zu elements)", (long long)n,
             (long long)m, ll, lb);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  /* rows x of X (m x n) with L x = b  <=>  X L^T = B: a right-side solve with the transposed lower factor */
  cblas_dtrsm_ptr(ROW_MAJOR, RIGHT, LOWER, TRANS, NON_UNIT, (int)m, (int)n, 1.0, l, (int)n, b, (int)n);
  return NULL;
}

static napi_value dcholesky(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_arguments(env, info, 2, argv, "dcholesky(A, n)")) return NULL;
  const int64_t n64 = dimension(env, argv[1], "dcholesky", "n");
  if (!n64) return NULL;
  size_t la;
  double *a = (double *)typed_array(env, argv[0], napi_float64_array, &la, "dcholesky", "A");
  if (!a) return NULL;
  if ((int64_t)la < n64 * n64) {
    char msg[128];
    snprintf(msg, sizeof msg, "dcholesky: array too short for n=%lld (A %zu elements)", (long long)n64, la);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  /* LAPACK is column-major: the row-major buffer read column-major is A^T = A. Factoring it as U^T U ('U') leaves U in
   * the column-major upper triangle, which is the row-major lower triangle, and U^T = L. */
  const int n = (int)n64;
  int info_out = 0;
  dpotrf_ptr("U", &n, a, &n, &info_out);
  if (info_out < 0) {
    napi_throw_error(env, NULL, "dcholesky: dpotrf rejected an argument");
    return NULL;
  }
  if (info_out == 0)
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++) a[(size_t)i * n + j] = 0.0;
  napi_value result;
  CHECK(napi_create_int32(env, info_out, &result));
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  char tried[512] = "";
  if (!cblas_sgemm_ptr && !open_blas(tried, sizeof tried)) {
    char msg[640];
    snprintf(msg, sizeof msg, "no optimised CBLAS library could be opened (tried %s); set PARETOBENCH_BLAS", tried);
    napi_throw_error(env, NULL, msg);
    return NULL;
  }
  napi_value fn, lib, core, fallback;
  CHECK(napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, sgemm, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "sgemm", fn));
  if (cblas_dtrsm_ptr) {
    CHECK(napi_create_function(env, "dsolveLowerRows", NAPI_AUTO_LENGTH, dsolve_lower_rows, NULL, &fn));
    CHECK(napi_set_named_property(env, exports, "dsolveLowerRows", fn));
  }
  if (dpotrf_ptr) {
    CHECK(napi_create_function(env, "dcholesky", NAPI_AUTO_LENGTH, dcholesky, NULL, &fn));
    CHECK(napi_set_named_property(env, exports, "dcholesky", fn));
  }
  CHECK(napi_create_string_utf8(env, library_name, NAPI_AUTO_LENGTH, &lib));
  CHECK(napi_set_named_property(env, exports, "library", lib));
  CHECK(napi_create_string_utf8(env, core_name, NAPI_AUTO_LENGTH, &core));
  CHECK(napi_set_named_property(env, exports, "core", core));
  CHECK(napi_create_string_utf8(env, core_fallback, NAPI_AUTO_LENGTH, &fallback));
  CHECK(napi_set_named_property(env, exports, "coreFallback", fallback));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
