// The only door from Swift to liburing.
//
// <features.h> must come before <liburing.h>: otherwise any Swift file that imports this module together with
// Foundation, XCTest or Glibc fails with an `fd_set` definition clash (see platform notes). GNU-only names and
// variadic C functions, which Swift cannot import, get tiny inline helpers here.
#ifndef POLLSIM_CURING_SHIM_H
#define POLLSIM_CURING_SHIM_H

#include <features.h>
#include <fcntl.h>
#include <liburing.h>

/* O_DIRECT is GNU-only; glibc always defines the underlying __O_DIRECT. */
static inline int pollsim_o_direct(void) { return __O_DIRECT; }

#endif
