#ifndef GALAPAGOS_CGMP_SHIM_H
#define GALAPAGOS_CGMP_SHIM_H

#include <gmp.h>

// GMP exposes several of its functions only as macros, which Swift cannot import.
// These wrappers give them a callable form.

static inline int galapagos_mpz_sgn(const __mpz_struct *z) { return mpz_sgn(z); }
static inline int galapagos_mpq_sgn(const __mpq_struct *q) { return mpq_sgn(q); }
static inline __mpz_struct *galapagos_mpq_numref(__mpq_struct *q) { return mpq_numref(q); }
static inline __mpz_struct *galapagos_mpq_denref(__mpq_struct *q) { return mpq_denref(q); }

#endif
