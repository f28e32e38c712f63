// The one place Latent touches FFTW: single-precision real-to-complex transforms for the
// FFT-accelerated t-SNE gradient (Debian's libfftw3-dev). <complex.h> is deliberately not
// included, so fftwf_complex stays a plain float[2] that Swift imports as a tuple.
#ifndef CLATENTFFTW_SHIM_H
#define CLATENTFFTW_SHIM_H
#include <fftw3.h>
#endif
