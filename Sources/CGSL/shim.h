// The only door from Swift to the GNU Scientific Library.
//
// Swift 6 rejects reading C globals such as `gsl_rng_mt19937` (they are not concurrency-safe),
// so the generator types are exposed through accessor functions.
#ifndef POLLSIM_CGSL_SHIM_H
#define POLLSIM_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_version.h>

static inline const gsl_rng_type *pollsim_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const char *pollsim_gsl_version(void) { return GSL_VERSION; }

#endif
