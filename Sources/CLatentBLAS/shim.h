// The one place LatentTensor touches C: CBLAS from Debian's libopenblas-dev, the few Fortran
// LAPACK routines Latent calls (OpenBLAS exports them; Debian has no LAPACKE by default), and
// glibc's mallopt.
#ifndef CLATENTBLAS_SHIM_H
#define CLATENTBLAS_SHIM_H
#include <cblas.h>
// glibc's mallopt, to keep freed tensor buffers in the process (see TensorStorage).
#include <malloc.h>

// Symmetric eigendecomposition, divide and conquer (single precision).
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);
// Symmetric eigendecomposition, double precision (used where float32 loses too much).
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
// Singular value decomposition, divide and conquer.
void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda, float *s,
             float *u, const int *ldu, float *vt, const int *ldvt, float *work, const int *lwork,
             int *iwork, int *info);
// QR factorisation and forming Q (randomised range finders).
void sgeqrf_(const int *m, const int *n, float *a, const int *lda, float *tau, float *work,
             const int *lwork, int *info);
void sorgqr_(const int *m, const int *n, const int *k, float *a, const int *lda, const float *tau,
             float *work, const int *lwork, int *info);
// Cholesky factorisation.
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
#endif
