// JPEG decoding through libjpeg-turbo, behind one function that cannot exit the process.
//
// libjpeg's default error handler prints and calls exit(); this target installs one that
// longjmps back into the decoder and returns the library's message instead, and treats its
// warnings (a truncated or corrupt stream, which libjpeg would otherwise pad with grey) as errors.
#ifndef CLATENTJPEG_H
#define CLATENTJPEG_H

#include <stddef.h>

/// Decodes the JPEG in `data[0..<size]` to 8-bit RGB, rows top first, 3 bytes per pixel
/// (greyscale files are expanded to RGB by libjpeg).
///
/// Images of more than `max_pixels` pixels are refused after the header is read and before
/// anything is allocated for them. On success returns 0 and sets `*pixels` (free it with
/// `latent_jpeg_free`), `*width` and `*height`. On failure returns -1, leaves `*pixels` NULL and
/// writes a one-line reason into `message` (`message_size` bytes, NUL-terminated).
int latent_jpeg_decode(const unsigned char *data, size_t size, size_t max_pixels,
                       unsigned char **pixels, int *width, int *height,
                       char *message, size_t message_size);

/// Frees pixels returned by `latent_jpeg_decode`.
void latent_jpeg_free(unsigned char *pixels);

#endif
