// oneDNN (Debian's libdnnl-dev), for its single-precision GEMM only: on this class of machine its
// JIT kernels run the GEMM shapes of Latent's models 1.2–1.5× faster than OpenBLAS's sgemm
// (Benchmarks/LatentBench `gemm`). oneDNN parallelises with OpenMP (libgomp).
#ifndef CLATENTDNNL_SHIM_H
#define CLATENTDNNL_SHIM_H
#include <dnnl.h>
// From libgomp (omp.h lives in GCC's private include directory): the thread count of the
// OpenMP team the calling thread starts, which is how oneDNN's GEMM learns `--threads`.
void omp_set_num_threads(int num_threads);
// The number of the calling thread in its team and the team's size.
int omp_get_thread_num(void);
int omp_get_num_threads(void);
// libgomp's entry to a parallel region (what `#pragma omp parallel` compiles to): runs
// fn(data) on a team of num_threads threads, the caller included, and returns when all have.
// Latent's own kernels start their teams here, so they share oneDNN's threads (kept spinning
// between regions) instead of waking a second pool.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
#endif
