#include "CLatentJPEG.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

// libjpeg's error manager extended with where to jump back to and the reason.
struct latent_jpeg_error {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    char reason[JMSG_LENGTH_MAX];
};

// A fatal error: keep libjpeg's message and return to `latent_jpeg_decode` (never exit()).
static void latent_error_exit(j_common_ptr cinfo) {
    struct latent_jpeg_error *err = (struct latent_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->reason);
    longjmp(err->escape, 1);
}

// Level -1 is a warning about the data (premature end, corrupt entropy data, …): libjpeg would
// go on and fill the missing rows with grey, which we refuse. Trace messages (level ≥ 0) are dropped.
static void latent_emit_message(j_common_ptr cinfo, int msg_level) {
    if (msg_level < 0) latent_error_exit(cinfo);
}

static void copy_message(char *message, size_t message_size, const char *text) {
    if (message == NULL || message_size == 0) return;
    snprintf(message, message_size, "%s", text);
}

int latent_jpeg_decode(const unsigned char *data, size_t size, size_t max_pixels,
                       unsigned char **pixels, int *width, int *height,
                       char *message, size_t message_size) {
    *pixels = NULL;
    *width = 0;
    *height = 0;
    if (size == 0) {
        copy_message(message, message_size, "empty file");
        return -1;
    }
    struct jpeg_decompress_struct cinfo;
    struct latent_jpeg_error err;
    // Volatile: read after a longjmp back into this frame.
    unsigned char *volatile out = NULL;
    memset(&err, 0, sizeof err);
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = latent_error_exit;
    err.base.emit_message = latent_emit_message;
    if (setjmp(err.escape)) {
        free(out);
        jpeg_destroy_decompress(&cinfo);
        copy_message(message, message_size, err.reason);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        jpeg_destroy_decompress(&cinfo);
        copy_message(message, message_size, "CMYK JPEGs are not supported");
        return -1;
    }
    size_t w = cinfo.image_width, h = cinfo.image_height;
    if (w == 0 || h == 0 || w > max_pixels / h) {
        char text[160];
        snprintf(text, sizeof text, "image of %zux%zu pixels exceeds the limit of %zu pixels", w, h, max_pixels);
        jpeg_destroy_decompress(&cinfo);
        copy_message(message, message_size, text);
        return -1;
    }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3) {
        jpeg_destroy_decompress(&cinfo);
        copy_message(message, message_size, "decoder did not produce RGB");
        return -1;
    }
    size_t stride = (size_t)cinfo.output_width * 3;
    out = malloc(stride * cinfo.output_height);
    if (out == NULL) {
        jpeg_destroy_decompress(&cinfo);
        copy_message(message, message_size, "out of memory");
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + (size_t)cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    *width = (int)cinfo.output_width;
    *height = (int)cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);
    *pixels = out;
    return 0;
}

void latent_jpeg_free(unsigned char *pixels) { free(pixels); }
