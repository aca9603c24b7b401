// Wake-up latency of a thread blocked in io_uring_wait_cqe on an eventfd POLL_ADD, by how long it had been blocked
// (docs/validation.md, finding 15). A waiter (CPU 1) arms the POLL_ADD, spins GAP ns (default 50 us), then blocks; a
// writer (CPU 0) writes the eventfd DELAY ns (plus 0-2 us) after the waiter entered the wait. Prints the wake-up
// (write to the waiter running again) over 400 rounds, and the share under 12 us.
//
// Build and run (as root, under SCHED_FIFO like the replay):
//   gcc -O2 -o /tmp/wake-probe docs/validation-data/campaign-11/wake-probe.c -luring -lpthread
//   for d in 0 2000 5000 10000 20000 40000 80000 200000 400000; do chrt -f 10 /tmp/wake-probe $d; done
#define _GNU_SOURCE
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

enum { ROUNDS = 400 };
static int efd;
static long long delayNs;
static atomic_int armed;
static atomic_llong armedAt, writtenAt;
static long long wakeNs[ROUNDS];

static long long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); pthread_setaffinity_np(pthread_self(), sizeof s, &s); }

static void *writer(void *u) {
    pin(0);
    for (int i = 0; i < ROUNDS; i++) {
        while (!atomic_load(&armed)) {}
        atomic_store(&armed, 0);
        long long at = atomic_load(&armedAt) + delayNs + rand() % 2000;
        while (now() < at) {}
        long long start = now();
        atomic_store(&writtenAt, start);
        uint64_t one = 1;
        if (write(efd, &one, 8) != 8) abort();
    }
    return u;
}
static int cmp(const void *a, const void *b) { long long x = *(const long long *)a, y = *(const long long *)b; return (x > y) - (x < y); }

int main(int argc, char **argv) {
    delayNs = atoll(argv[1]);
    long long gapNs = argc > 2 ? atoll(argv[2]) : 50000;   // idle (spinning) time between rounds
    struct io_uring ring;
    io_uring_queue_init(8, &ring, 0);
    efd = eventfd(0, 0);
    pthread_t t; pthread_create(&t, NULL, writer, NULL);
    pin(1);
    for (int i = 0; i < ROUNDS; i++) {
        long long until = now() + gapNs; while (now() < until) {}
        io_uring_prep_poll_add(io_uring_get_sqe(&ring), efd, POLLIN);
        io_uring_submit(&ring);
        atomic_store(&armedAt, now());
        atomic_store(&armed, 1);
        struct io_uring_cqe *cqe;
        io_uring_wait_cqe(&ring, &cqe);
        wakeNs[i] = now() - atomic_load(&writtenAt);
        io_uring_cqe_seen(&ring, cqe);
        uint64_t v; if (read(efd, &v, 8) != 8) abort();
    }
    pthread_join(t, NULL);
    int fast = 0; for (int i = 0; i < ROUNDS; i++) fast += wakeNs[i] < 12000;
    qsort(wakeNs, ROUNDS, sizeof *wakeNs, cmp);
    printf("delay %7lld gap %7lld  wake p10 %6lld p25 %6lld p50 %6lld p75 %6lld p90 %6lld  <12us %3d%%\n", delayNs, gapNs,
           wakeNs[ROUNDS/10], wakeNs[ROUNDS/4], wakeNs[ROUNDS/2], wakeNs[3*ROUNDS/4], wakeNs[9*ROUNDS/10], 100*fast/ROUNDS);
    return 0;
}
