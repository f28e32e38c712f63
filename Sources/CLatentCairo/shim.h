// Cairo from Debian's libcairo2-dev (macOS: Homebrew's cairo): the 2-D graphics library that
// LatentPlot draws its charts and text with. One drawing code path targets an image surface
// (PNG), an SVG surface and a PDF surface; text goes through the toy font API, which finds
// DejaVu Sans through fontconfig and FreeType.
#ifndef CLATENTCAIRO_SHIM_H
#define CLATENTCAIRO_SHIM_H
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#endif
