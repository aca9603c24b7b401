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
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* O_DIRECT is GNU-only; glibc always defines the underlying __O_DIRECT. */
static inline int pollsim_o_direct(void) { return __O_DIRECT; }

/* eventfd flags (macros of enum values Swift may not import). */
static inline int pollsim_efd_nonblock(void) { return EFD_NONBLOCK; }
static inline int pollsim_efd_cloexec(void) { return EFD_CLOEXEC; }

/* sched_setaffinity(2) for the calling thread, without the GNU-only CPU_SET macros: a plain bit mask. Returns 0 or
   -errno. */
static inline int pollsim_pin_current_thread(int cpu) {
    unsigned long mask[16];
    if (cpu < 0 || cpu >= (int)(sizeof(mask) * 8)) return -EINVAL;
    memset(mask, 0, sizeof(mask));
    mask[cpu / (8 * sizeof(unsigned long))] |= 1UL << (cpu % (8 * sizeof(unsigned long)));
    long rc = syscall(__NR_sched_setaffinity, 0, sizeof(mask), mask);
    return rc == 0 ? 0 : -errno;
}

/* The CPUs the calling thread may run on, as a bit mask of the first 64 (0 on error). */
static inline unsigned long pollsim_current_affinity_mask(void) {
    unsigned long mask[16];
    memset(mask, 0, sizeof(mask));
    long rc = syscall(__NR_sched_getaffinity, 0, sizeof(mask), mask);
    return rc < 0 ? 0 : mask[0];
}

/* ioctl(2) is variadic. BLKSSZGET = _IO(0x12,104), BLKGETSIZE64 = _IOR(0x12,114,size_t): written out so that
   <linux/fs.h> stays out of the module. Return 0 or -errno. */
static inline int pollsim_blk_logical_block_size(int fd, int *size) {
    return ioctl(fd, 0x1268, size) == 0 ? 0 : -errno;
}
static inline int pollsim_blk_size_bytes(int fd, uint64_t *bytes) {
    return ioctl(fd, 0x80081272, bytes) == 0 ? 0 : -errno;
}

/* IOSQE_CQE_SKIP_SUCCESS as an int (an enum-derived macro). */
static inline unsigned pollsim_iosqe_cqe_skip_success(void) { return IOSQE_CQE_SKIP_SUCCESS; }

/* RUSAGE_THREAD is GNU-only (value 1 on Linux). */
static inline int pollsim_rusage_thread(void) { return 1; }

/* stat(2) under a name that does not collide with `struct stat` in Swift. Returns 0 or -errno. */
static inline int pollsim_stat(const char *path, struct stat *info) { return stat(path, info) == 0 ? 0 : -errno; }

#endif
