// The C reference for the kernel benchmark: a plain binary min-heap and the classic "hold model".
//
// The hold model measures a pending-event set the way a simulator uses it: the queue starts with `pending` events,
// then every operation pops the earliest event and pushes one new event at popped.time + increment. The queue size
// therefore stays at `pending` throughout.
//
// Increments are passed in (precomputed exponential draws, in nanoseconds), so the Swift and C runs do exactly the
// same work, no random-number cost is measured, and both sides pop events in the same order: the checksum of one
// must equal the checksum of the other. The exact recipe, which KernelBenchmark repeats in Swift:
//   fill:  event k (k = 0 ..< pending) has payload k and time increments[k % increments_count];
//   op i:  pop the earliest (time, payload); checksum = mix(checksum, time, payload);
//          push payload again at time + increments[i % increments_count].
// Ties on time are broken by insertion sequence (FIFO), as in SimKernel's EventQueue.
#ifndef POLLSIM_HOLD_MODEL_H
#define POLLSIM_HOLD_MODEL_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One pending event: 24 bytes, like SimKernel's EventQueue entry for a small enum.
typedef struct hold_entry {
    int64_t time;
    uint64_t seq;
    int32_t payload;
} hold_entry;

/// A binary min-heap ordered by (time, seq) in one contiguous array.
typedef struct hold_queue {
    hold_entry *entries;
    size_t count;
    size_t capacity;
    uint64_t next_seq;
} hold_queue;

/// The result of a run: an order-sensitive checksum of the popped (time, payload) pairs, and the sum and last value of
/// the popped times (the last popped time is the simulated clock at the end).
typedef struct hold_result {
    uint64_t checksum;
    uint64_t time_sum;
    int64_t last_time;
} hold_result;

/// The checksum step shared with Swift: FNV-1a-style mixing of time then payload, order sensitive.
static inline uint64_t hold_mix(uint64_t h, int64_t time, int32_t payload) {
    h = (h ^ (uint64_t)time) * UINT64_C(0x100000001B3);
    h = (h ^ (uint64_t)(uint32_t)payload) * UINT64_C(0x100000001B3);
    return h;
}

/// The checksum's starting value (FNV offset basis).
static inline uint64_t hold_checksum_seed(void) { return UINT64_C(0xCBF29CE484222325); }

/// Allocates an empty queue with room for `capacity` entries (at least 1). Returns NULL when out of memory.
hold_queue *hold_queue_create(size_t capacity);
void hold_queue_destroy(hold_queue *queue);

/// Inserts an entry; grows the storage when full. Returns its sequence number, or UINT64_MAX when out of memory.
uint64_t hold_queue_push(hold_queue *queue, int64_t time, int32_t payload);
/// Removes the earliest entry into `*out`. Returns 0 when the queue was empty, 1 otherwise.
int hold_queue_pop(hold_queue *queue, hold_entry *out);

/// Empties `queue` and pushes the `pending` initial events of the recipe above. Returns 0, or -1 when out of memory
/// or when the arguments are invalid (increments_count < 1, pending < 0).
int hold_model_fill(hold_queue *queue, int64_t pending, const int64_t *increments, int64_t increments_count);

/// Runs `operations` hold operations on a filled queue. Returns -1 if the queue ran empty or an argument is invalid.
int hold_model_run(hold_queue *queue, int64_t operations, const int64_t *increments, int64_t increments_count,
                   hold_result *result);

#ifdef __cplusplus
}
#endif

#endif
