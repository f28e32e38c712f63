// oneDNN (Debian's libdnnl-dev), for its single-precision GEMM only: on this class of machine its
// JIT kernels run the GEMM shapes of Latent's models 1.2–1.5× faster than OpenBLAS's sgemm
// (Benchmarks/LatentBench `gemm`). oneDNN parallelises with OpenMP (libgomp).
#ifndef CLATENTDNNL_SHIM_H
#define CLATENTDNNL_SHIM_H
#include <dnnl.h>
// From libgomp (omp.h lives in GCC's private include directory): the thread count of the
// OpenMP team the calling thread starts, which is how oneDNN's GEMM learns `--threads`.
void omp_set_num_threads(int num_threads);
#endif
