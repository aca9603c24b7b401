extension ScenarioLoader {
    /// The built-in default scenario (used by `pollsim run` with no file): identical text to
    /// scenarios/default.yaml, which a test checks. Edit both together.
    public static let defaultScenarioYAML: String = #"""
# pollsim's default scenario: what `pollsim run` simulates when no file is given.
# One Optane-class NVMe drive behind one virtio-blk disk, served by one IOThread running the poll-weight policy,
# driven by one 4k random-read fio job. Every key is described in docs/scenario-format.md.
name: default
seed: 1                  # master seed; every entity draws from its own stream keyed by (seed, entity id)
runtime: 200ms           # measured simulated time (fio's runtime); durations need a unit
ramp_time: 20ms          # warm-up, excluded from every metric (fio's ramp_time)
profile: bare-metal      # host cost model: bare-metal (typical x86 server figures) or ideal (every cost zero)

# Host block devices. Latencies are distributions of the service time of one request (a bare duration means a
# constant); the bandwidth term bs / bandwidth is added to it. parallelism requests are served at once, the rest
# wait in FIFO order.
devices:
  - id: nvme0
    read-latency:  { dist: lognormal, median: 9us, p99: 20us }    # Optane P4800X-like: under 10 us at the median
    write-latency: { dist: lognormal, median: 11us, p99: 25us }
    bandwidth: 2.2GB/s   # decimal units (10^9 bytes per second), as drive vendors quote them
    parallelism: 8

# IOThreads: single-threaded event loops running QEMU's aio_poll. The policy decides how long to busy-poll before
# blocking in the fd monitor. poll-weight uses the merged series' defaults unless given:
# poll-max-ns 32768, poll-grow 2, poll-shrink 2, poll-weight 3.
iothreads:
  - id: iothread0
    policy: poll-weight  # none | busy | classic | per-handler | poll-weight | hybrid
    fdmon: io_uring      # poll | epoll | io_uring

# Virtio disks as the guest sees them: which device is behind them and which IOThread runs their virtqueues.
disks:
  - id: vda
    device: nvme0
    iothread: iothread0
    num-queues: 1
    aio: native          # linux-aio; or io_uring, threads

# Guest jobs in fio's vocabulary. This one is closed loop: 8 requests always in flight.
jobs:
  - name: reader
    disk: vda
    rw: randread
    bs: 4k               # k = 1024, as in fio
    iodepth: 8
    numjobs: 1

"""#
}
