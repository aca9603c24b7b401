// How an fd event reaches a thread that is running, on this kind of VM (docs/validation.md, finding 11).
//
// A waiter thread (CPU 1) arms an io_uring POLL_ADD on an eventfd and spins on its completion ring, making a cheap
// system call (getppid) every PERIOD ns (0: none, a pure spin; -1: it blocks in io_uring_wait_cqe instead). A writer
// thread (CPU 0) writes the eventfd at a random moment. Printed, over 300 rounds (p10/p50/p90):
//   - write -> CQE: when the POLL_ADD's completion shows in the waiter's ring;
//   - write(2): how long the writer's eventfd write takes (with the POLL_ADD armed);
//   - stall: the longest gap in the waiter's spin loop within 40 us of the write (a thread held up in the kernel).
//
// Build and run (as root, under SCHED_FIFO like the replay):
//   gcc -O2 -o /tmp/fd-event-probe docs/validation-data/campaign-8/fd-event-probe.c -luring -lpthread
//   for p in 0 2000 -1; do chrt -f 10 /tmp/fd-event-probe $p; done
#define _GNU_SOURCE
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { ROUNDS = 300 };
static int efd;
static long long period;
static atomic_int armed;
static atomic_llong writtenAt;
static long long writeNs[ROUNDS], cqeNs[ROUNDS], stallNs[ROUNDS];

static long long now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *writer(void *unused) {
    pin(0);
    for (int i = 0; i < ROUNDS; i++) {
        while (!atomic_load(&armed)) {}
        atomic_store(&armed, 0);
        long long at = now() + 20000 + rand() % 10000;  // 20-30 us after the waiter armed
        while (now() < at) {}
        long long start = now();
        atomic_store(&writtenAt, start);
        uint64_t one = 1;
        if (write(efd, &one, 8) != 8) abort();
        writeNs[i] = now() - start;
    }
    return unused;
}

// Spins until `until`, calling getppid every `period` ns when period > 0; returns the longest gap between two clock
// reads of the loop.
static long long spin(long long until, long long *lastSyscall) {
    long long previous = now(), longest = 0;
    while (previous < until) {
        long long t = now();
        if (t - previous > longest) longest = t - previous;
        previous = t;
        if (period > 0 && t - *lastSyscall >= period) { syscall(SYS_getppid); *lastSyscall = now(); }
    }
    return longest;
}

static int compare(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static void print(const char *label, long long *values) {
    qsort(values, ROUNDS, sizeof *values, compare);
    printf("  %-10s p10 %6lld  p50 %6lld  p90 %6lld ns\n", label, values[ROUNDS / 10], values[ROUNDS / 2],
           values[9 * ROUNDS / 10]);
}

int main(int argc, char **argv) {
    period = argc > 1 ? atoll(argv[1]) : 0;
    struct io_uring ring;
    if (io_uring_queue_init(8, &ring, 0) < 0) return 1;
    efd = eventfd(0, 0);
    pthread_t thread;
    pthread_create(&thread, NULL, writer, NULL);
    pin(1);
    for (int i = 0; i < ROUNDS; i++) {
        io_uring_prep_poll_add(io_uring_get_sqe(&ring), efd, POLLIN);
        io_uring_submit(&ring);
        atomic_store(&writtenAt, 0);
        atomic_store(&armed, 1);
        struct io_uring_cqe *cqe;
        long long lastSyscall = now();
        if (period < 0) {
            io_uring_wait_cqe(&ring, &cqe);
        } else {
            while (io_uring_peek_cqe(&ring, &cqe) != 0) {
                if (period > 0 && now() - lastSyscall >= period) { syscall(SYS_getppid); lastSyscall = now(); }
            }
        }
        long long seen = now(), written = atomic_load(&writtenAt);
        cqeNs[i] = seen - written;
        stallNs[i] = period < 0 ? 0 : spin(written + 40000, &lastSyscall);
        io_uring_cqe_seen(&ring, cqe);
        uint64_t value;
        if (read(efd, &value, 8) != 8) abort();
    }
    pthread_join(thread, NULL);
    printf("waiter %s:\n", period < 0 ? "blocked in io_uring_wait_cqe" : period == 0 ? "spinning, no system calls"
                                                                          : "spinning, a system call every PERIOD ns");
    if (period > 0) printf("  PERIOD     %lld ns\n", period);
    print("write->CQE", cqeNs);
    print("write(2)", writeNs);
    if (period >= 0) print("stall", stallNs);
    return 0;
}
