// A plain binary min-heap as a C programmer would write it: contiguous array, "hole" sifting (the moving entry is
// written once, at its final slot), compiled with -O2. This is the yardstick for SimKernel's EventQueue.
#include "hold_model.h"

#include <stdlib.h>

static inline int precedes(const hold_entry *a, const hold_entry *b) {
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

hold_queue *hold_queue_create(size_t capacity) {
    hold_queue *queue = malloc(sizeof *queue);
    if (!queue) return NULL;
    if (capacity < 1) capacity = 1;
    queue->entries = malloc(capacity * sizeof *queue->entries);
    if (!queue->entries) {
        free(queue);
        return NULL;
    }
    queue->count = 0;
    queue->capacity = capacity;
    queue->next_seq = 0;
    return queue;
}

void hold_queue_destroy(hold_queue *queue) {
    if (!queue) return;
    free(queue->entries);
    free(queue);
}

static int grow(hold_queue *queue) {
    size_t capacity = queue->capacity * 2;
    hold_entry *entries = realloc(queue->entries, capacity * sizeof *entries);
    if (!entries) return -1;
    queue->entries = entries;
    queue->capacity = capacity;
    return 0;
}

uint64_t hold_queue_push(hold_queue *queue, int64_t time, int32_t payload) {
    if (queue->count == queue->capacity && grow(queue) != 0) return UINT64_MAX;
    hold_entry moving = { .time = time, .seq = queue->next_seq++, .payload = payload };
    hold_entry *e = queue->entries;
    size_t child = queue->count++;
    while (child > 0) {
        size_t parent = (child - 1) / 2;
        if (!precedes(&moving, &e[parent])) break;
        e[child] = e[parent];
        child = parent;
    }
    e[child] = moving;
    return moving.seq;
}

int hold_queue_pop(hold_queue *queue, hold_entry *out) {
    if (queue->count == 0) return 0;
    hold_entry *e = queue->entries;
    *out = e[0];
    size_t count = --queue->count;
    if (count == 0) return 1;
    hold_entry moving = e[count];
    size_t parent = 0;
    for (;;) {
        size_t child = 2 * parent + 1;
        if (child >= count) break;
        if (child + 1 < count && precedes(&e[child + 1], &e[child])) child++;
        if (!precedes(&e[child], &moving)) break;
        e[parent] = e[child];
        parent = child;
    }
    e[parent] = moving;
    return 1;
}

int hold_model_fill(hold_queue *queue, int64_t pending, const int64_t *increments, int64_t increments_count) {
    if (pending < 0 || increments_count < 1 || !increments) return -1;
    queue->count = 0;
    queue->next_seq = 0;
    for (int64_t k = 0; k < pending; k++) {
        if (hold_queue_push(queue, increments[k % increments_count], (int32_t)k) == UINT64_MAX) return -1;
    }
    return 0;
}

int hold_model_run(hold_queue *queue, int64_t operations, const int64_t *increments, int64_t increments_count,
                   hold_result *result) {
    if (operations < 0 || increments_count < 1 || !increments || !result) return -1;
    uint64_t checksum = hold_checksum_seed();
    uint64_t time_sum = 0;
    int64_t last_time = 0;
    int64_t index = 0;
    for (int64_t i = 0; i < operations; i++) {
        hold_entry popped;
        if (!hold_queue_pop(queue, &popped)) return -1;
        checksum = hold_mix(checksum, popped.time, popped.payload);
        time_sum += (uint64_t)popped.time;
        last_time = popped.time;
        if (hold_queue_push(queue, popped.time + increments[index], popped.payload) == UINT64_MAX) return -1;
        if (++index == increments_count) index = 0;
    }
    result->checksum = checksum;
    result->time_sum = time_sum;
    result->last_time = last_time;
    return 0;
}
