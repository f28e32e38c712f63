// zlib from Debian's zlib1g-dev: gzip reading (MNIST IDX) and deflate for PNG.
#ifndef CLATENTZLIB_SHIM_H
#define CLATENTZLIB_SHIM_H
#include <zlib.h>
#endif
