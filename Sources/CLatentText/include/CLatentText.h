// Helpers Swift cannot express: a software prefetch for the word2vec kernels, which read rows of
// the output matrix at random (the noise words) and would otherwise stall on each of them.
#ifndef CLATENTTEXT_H
#define CLATENTTEXT_H

/// Asks the CPU to bring the cache line at `p` close, for writing soon.
static inline void latent_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

#endif
