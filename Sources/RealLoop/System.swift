// Every system call RealLoop makes, in one file (as swift-nio's NIOPosix/System.swift): each wrapper checks the
// result and turns a failure into a `SystemError` carrying the call, the errno and its text. Hot-path calls
// (eventfd writes, ring submits, clock reads) are `@inline(__always)` and report failures without allocating.
//
// liburing's inline ring accessors (io_uring_get_sqe, io_uring_cq_ready, io_uring_peek_cqe...) read and write
// shared memory only; they live here too, behind `URing`, so that nothing else in RealLoop touches C.

import CURing
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A failed system call: which call, on what, and errno with its text.
public struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
    public let call: String
    public let errno: Int32
    public let detail: String?

    public init(_ call: String, errno: Int32, detail: String? = nil) {
        self.call = call
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        let subject = detail.map { " \($0)" } ?? ""
        return "\(call)\(subject): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// The process-wide "stop" request set by SIGINT; every RealLoop thread polls it.
public enum Interrupt {
    static let requested = Atomic<Bool>(false)

    public static var isRequested: Bool { requested.load(ordering: .relaxed) }
    public static func reset() { requested.store(false, ordering: .relaxed) }
    /// Sets the flag as SIGINT would (tests, and the commands' own deadline handling).
    public static func request() { requested.store(true, ordering: .relaxed) }
}

enum Sys {
    // MARK: Clocks

    /// CLOCK_MONOTONIC in ns (vDSO, about 25 ns here).
    @inline(__always)
    static func monotonicNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    /// CLOCK_THREAD_CPUTIME_ID in ns: a real system call here (about 280 ns), so callers read it per phase.
    @inline(__always)
    static func threadCPUNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    /// Voluntary context switches of the calling thread (getrusage RUSAGE_THREAD): how often it blocked.
    static func voluntaryContextSwitches() -> Int {
        var usage = rusage()
        guard getrusage(__rusage_who_t(pollsim_rusage_thread()), &usage) == 0 else { return 0 }
        return Int(usage.ru_nvcsw)
    }

    // MARK: Files

    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SystemError("open", errno: errno, detail: "'\(path)'") }
        return fd
    }

    static var oDirect: Int32 { pollsim_o_direct() }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    static func stat(path: String) throws -> stat {
        var info = Glibc.stat()
        let rc = pollsim_stat(path, &info)
        guard rc == 0 else { throw SystemError("stat", errno: -rc, detail: "'\(path)'") }
        return info
    }

    static func fstat(_ fd: Int32, path: String) throws -> stat {
        var info = Glibc.stat()
        guard Glibc.fstat(fd, &info) == 0 else { throw SystemError("fstat", errno: errno, detail: "'\(path)'") }
        return info
    }

    static func isBlockDevice(_ info: stat) -> Bool { (info.st_mode & S_IFMT) == S_IFBLK }
    static func isRegularFile(_ info: stat) -> Bool { (info.st_mode & S_IFMT) == S_IFREG }

    /// glibc's gnu_dev_major/minor, written out (they are macros).
    static func major(_ dev: UInt64) -> UInt32 { UInt32(((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))) }
    static func minor(_ dev: UInt64) -> UInt32 { UInt32((dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))) }

    static func blockDeviceBytes(_ fd: Int32, path: String) throws -> UInt64 {
        var bytes: UInt64 = 0
        let rc = pollsim_blk_size_bytes(fd, &bytes)
        guard rc == 0 else { throw SystemError("ioctl(BLKGETSIZE64)", errno: -rc, detail: "'\(path)'") }
        return bytes
    }

    static func logicalBlockSize(_ fd: Int32, path: String) throws -> Int {
        var size: Int32 = 0
        let rc = pollsim_blk_logical_block_size(fd, &size)
        guard rc == 0 else { throw SystemError("ioctl(BLKSSZGET)", errno: -rc, detail: "'\(path)'") }
        return Int(size)
    }

    /// The whole text of a small file such as /proc/self/mountinfo (read with plain read(2) until EOF).
    static func readSmallTextFile(_ path: String) throws -> String {
        let fd = try open(path, flags: O_RDONLY)
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("read", errno: errno, detail: "'\(path)'")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The 1-minute load average from /proc/loadavg.
    static func loadAverage() -> Double? {
        guard let text = try? readSmallTextFile("/proc/loadavg"), let first = text.split(separator: " ").first else {
            return nil
        }
        return Double(first)
    }

    /// realpath(3), nil if the path does not resolve.
    static func realPath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Writes `count` bytes of `buffer` at `offset` with pwrite(2), retrying short writes.
    static func pwriteAll(_ fd: Int32, _ buffer: UnsafeRawPointer, count: Int, offset: Int64, path: String) throws {
        var done = 0
        while done < count {
            let n = Glibc.pwrite(fd, buffer + done, count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("pwrite", errno: errno, detail: "'\(path)'")
            }
            done += n
        }
    }

    static func fsync(_ fd: Int32, path: String) throws {
        guard Glibc.fsync(fd) == 0 else { throw SystemError("fsync", errno: errno, detail: "'\(path)'") }
    }

    static func unlink(_ path: String) {
        _ = Glibc.unlink(path)
    }

    /// Fills `buffer` from /dev/urandom (getrandom(2)).
    static func randomBytes(_ buffer: UnsafeMutableRawPointer, count: Int) throws {
        var done = 0
        while done < count {
            let n = getrandom(buffer + done, count - done, 0)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("getrandom", errno: errno)
            }
            done += n
        }
    }

    // MARK: Memory

    /// posix_memalign: buffers the kernel reads or writes (O_DIRECT needs them aligned). Zero-filled.
    static func alignedAllocate(bytes: Int, alignment: Int) throws -> UnsafeMutableRawPointer {
        var pointer: UnsafeMutableRawPointer?
        let rc = posix_memalign(&pointer, alignment, max(bytes, 1))
        guard rc == 0, let pointer else { throw SystemError("posix_memalign", errno: rc, detail: "\(bytes) bytes") }
        memset(pointer, 0, max(bytes, 1))
        return pointer
    }

    static func free(_ pointer: UnsafeMutableRawPointer) {
        Glibc.free(pointer)
    }

    // MARK: eventfd

    static func eventfd() throws -> Int32 {
        let fd = CURing.eventfd(0, pollsim_efd_nonblock() | pollsim_efd_cloexec())
        guard fd >= 0 else { throw SystemError("eventfd", errno: errno) }
        return fd
    }

    /// Adds 1 to the eventfd; false on failure (the caller counts it; hot path, no allocation).
    @inline(__always) @discardableResult
    static func eventfdWrite(_ fd: Int32) -> Bool {
        var one: UInt64 = 1
        return withUnsafeBytes(of: &one) { Glibc.write(fd, $0.baseAddress, 8) } == 8
    }

    /// Reads and clears the eventfd counter (0 if it was already clear: the fd is non-blocking).
    @inline(__always) @discardableResult
    static func eventfdRead(_ fd: Int32) -> UInt64 {
        var value: UInt64 = 0
        let n = withUnsafeMutableBytes(of: &value) { Glibc.read(fd, $0.baseAddress, 8) }
        return n == 8 ? value : 0
    }

    /// A blocking read(2) of an eventfd opened with `blockingEventfd` (calibration only).
    static func blockingEventfdRead(_ fd: Int32) {
        var value: UInt64 = 0
        while withUnsafeMutableBytes(of: &value, { Glibc.read(fd, $0.baseAddress, 8) }) != 8 {
            if errno != EINTR || Interrupt.isRequested { return }
        }
    }

    /// nanosleep(2) for `ns` (it overshoots by tens of µs here; calibration uses it only for gaps).
    static func sleep(ns: Int64) {
        var request = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR && !Interrupt.isRequested { request = remaining }
    }

    /// uname -n and -r, for the calibration file's header.
    static func hostDescription() -> (node: String, release: String) {
        var names = utsname()
        guard uname(&names) == 0 else { return ("unknown", "unknown") }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        }
        return (text(names.nodename), text(names.release))
    }

    static func blockingEventfd() throws -> Int32 {
        let fd = CURing.eventfd(0, pollsim_efd_cloexec())
        guard fd >= 0 else { throw SystemError("eventfd", errno: errno) }
        return fd
    }

    // MARK: Threads and CPUs

    /// CPUs this process may run on (from the affinity mask; at least 1).
    static func allowedCPUs() -> [Int] {
        let mask = pollsim_current_affinity_mask()
        let cpus = (0..<64).filter { mask & (1 << UInt($0)) != 0 }
        return cpus.isEmpty ? [0] : cpus
    }

    /// sched_setaffinity for the calling thread.
    static func pinCurrentThread(to cpu: Int) throws {
        let rc = pollsim_pin_current_thread(Int32(cpu))
        guard rc == 0 else { throw SystemError("sched_setaffinity", errno: -rc, detail: "CPU \(cpu)") }
    }

    private final class ThreadBody {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// pthread_create running `body`; join it with `joinThread`.
    static func startThread(_ body: @escaping () -> Void) throws -> pthread_t {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { argument in
            let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
            body.body()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw SystemError("pthread_create", errno: rc)
        }
        return thread
    }

    static func joinThread(_ thread: pthread_t) {
        _ = pthread_join(thread, nil)
    }

    // MARK: Signals

    /// SIGINT sets `Interrupt.requested` instead of killing the process; the loops notice and stop cleanly.
    static func installInterruptHandler() {
        Interrupt.reset()
        _ = signal(SIGINT) { _ in Interrupt.requested.store(true, ordering: .relaxed) }
    }

    /// Back to the default SIGINT action.
    static func removeInterruptHandler() {
        _ = signal(SIGINT, SIG_DFL)
    }
}

// MARK: - io_uring

/// One io_uring instance (liburing), heap-allocated so that the kernel's view of it never moves. A default ring:
/// no COOP_TASKRUN, no DEFER_TASKRUN, because completions must become visible to `io_uring_cq_ready` while the
/// owner busy-polls without entering the kernel (platform notes).
final class URing {
    let ring: UnsafeMutablePointer<io_uring>
    /// A kernel timespec for timed waits, heap-allocated: the kernel reads it during the call.
    private let timeout: UnsafeMutablePointer<__kernel_timespec>

    /// io_uring_queue_init_params with `entries` SQEs and `completionEntries` CQEs (IORING_SETUP_CQSIZE).
    init(entries: UInt32, completionEntries: UInt32? = nil) throws {
        ring = .allocate(capacity: 1)
        ring.initialize(to: io_uring())
        timeout = .allocate(capacity: 1)
        timeout.initialize(to: __kernel_timespec())
        var params = io_uring_params()
        if let completionEntries {
            params.flags |= UInt32(IORING_SETUP_CQSIZE)
            params.cq_entries = completionEntries
        }
        let rc = io_uring_queue_init_params(entries, ring, &params)
        guard rc == 0 else {
            ring.deallocate()
            timeout.deallocate()
            throw SystemError("io_uring_queue_init", errno: -rc, detail: "\(entries) entries")
        }
    }

    deinit {
        io_uring_queue_exit(ring)
        ring.deallocate()
        timeout.deallocate()
    }

    /// Whether io_uring works here at all (tests skip when it does not).
    static func isAvailable() -> Bool {
        (try? URing(entries: 2)) != nil
    }

    var fd: Int32 { ring.pointee.ring_fd }

    /// A free SQE; when the SQ is full its contents are submitted first (one syscall) and the SQE taken again.
    @inline(__always)
    func sqe() throws -> UnsafeMutablePointer<io_uring_sqe> {
        if let sqe = io_uring_get_sqe(ring) { return sqe }
        _ = try submit()
        guard let sqe = io_uring_get_sqe(ring) else { throw SystemError("io_uring_get_sqe", errno: EBUSY) }
        return sqe
    }

    @inline(__always)
    func preparePollAdd(fd: Int32, userData: UInt64) throws {
        let sqe = try sqe()
        io_uring_prep_poll_add(sqe, fd, UInt32(POLLIN))
        io_uring_sqe_set_data64(sqe, userData)
    }

    @inline(__always)
    func prepareRead(fd: Int32, buffer: UnsafeMutableRawPointer, bytes: Int, offset: Int64, userData: UInt64) throws {
        let sqe = try sqe()
        io_uring_prep_read(sqe, fd, buffer, UInt32(bytes), UInt64(offset))
        io_uring_sqe_set_data64(sqe, userData)
    }

    @inline(__always)
    func prepareWrite(fd: Int32, buffer: UnsafeRawPointer, bytes: Int, offset: Int64, userData: UInt64) throws {
        let sqe = try sqe()
        io_uring_prep_write(sqe, fd, buffer, UInt32(bytes), UInt64(offset))
        io_uring_sqe_set_data64(sqe, userData)
    }

    @inline(__always)
    func prepareNop(userData: UInt64) throws {
        let sqe = try sqe()
        io_uring_prep_nop(sqe)
        io_uring_sqe_set_data64(sqe, userData)
    }

    /// IORING_OP_MSG_RING: posts a CQE {user_data: `userData`, res: `result`} into the ring `target`; this ring gets
    /// no CQE of its own on success (IOSQE_CQE_SKIP_SUCCESS).
    @inline(__always)
    func prepareMessage(to target: Int32, result: Int32, userData: UInt64) throws {
        let sqe = try sqe()
        io_uring_prep_msg_ring(sqe, target, UInt32(bitPattern: result), userData, 0)
        sqe.pointee.flags |= UInt8(pollsim_iosqe_cqe_skip_success())
        io_uring_sqe_set_data64(sqe, UInt64.max)
    }

    /// An IORING_OP_TIMEOUT of `ns` (count 0: fires only on expiry). The timespec must stay valid until it fires, so
    /// only one timeout may be pending per ring.
    func prepareTimeout(ns: Int64, userData: UInt64) throws {
        timeout.pointee.tv_sec = ns / 1_000_000_000
        timeout.pointee.tv_nsec = ns % 1_000_000_000
        let sqe = try sqe()
        io_uring_prep_timeout(sqe, timeout, 0, 0)
        io_uring_sqe_set_data64(sqe, userData)
    }

    /// io_uring_submit: the SQEs prepared so far (io_uring_enter). Returns how many were submitted.
    @inline(__always) @discardableResult
    func submit() throws -> Int {
        while true {
            let rc = io_uring_submit(ring)
            if rc >= 0 { return Int(rc) }
            if rc == -EINTR || rc == -EAGAIN { continue }
            throw SystemError("io_uring_submit", errno: -rc)
        }
    }

    /// io_uring_submit_and_wait(wait_nr), restarted on EINTR as fdmon-io_uring does. With `waitFor` 0 and nothing to
    /// submit liburing makes no system call.
    @inline(__always)
    func submitAndWait(_ waitFor: UInt32) throws {
        while true {
            let rc = io_uring_submit_and_wait(ring, waitFor)
            if rc >= 0 { return }
            if rc == -EINTR { if Interrupt.isRequested { return }; continue }
            if rc == -EAGAIN || rc == -EBUSY { continue }
            throw SystemError("io_uring_submit_and_wait", errno: -rc)
        }
    }

    /// Submits and waits for one CQE or until `ns` elapse (IORING_ENTER_EXT_ARG when the kernel has it).
    func submitAndWait(timeoutNs ns: Int64) throws {
        timeout.pointee.tv_sec = ns / 1_000_000_000
        timeout.pointee.tv_nsec = ns % 1_000_000_000
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        let rc = io_uring_submit_and_wait_timeout(ring, &cqe, 1, timeout, nil)
        if rc >= 0 || rc == -ETIME || rc == -EINTR { return }
        throw SystemError("io_uring_submit_and_wait_timeout", errno: -rc)
    }

    /// CQEs waiting in the shared CQ ring (a memory read: fdmon-io_uring's need_wait).
    @inline(__always) var completionsReady: UInt32 { io_uring_cq_ready(ring) }
    /// SQEs prepared but not yet submitted.
    @inline(__always) var submissionsReady: UInt32 { io_uring_sq_ready(ring) }

    /// Takes one CQE if there is one: (user_data, res). Never enters the kernel on a default ring without overflow.
    @inline(__always)
    func popCompletion() -> (userData: UInt64, result: Int32)? {
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        guard io_uring_peek_cqe(ring, &cqe) == 0, let cqe else { return nil }
        let value = (cqe.pointee.user_data, cqe.pointee.res)
        io_uring_cqe_seen(ring, cqe)
        return value
    }

    /// Blocks for one CQE (io_uring_wait_cqe) and takes it; nil on EINTR.
    func waitCompletion() throws -> (userData: UInt64, result: Int32)? {
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        let rc = io_uring_wait_cqe(ring, &cqe)
        if rc == -EINTR { return nil }
        guard rc == 0, let cqe else { throw SystemError("io_uring_wait_cqe", errno: -rc) }
        let value = (cqe.pointee.user_data, cqe.pointee.res)
        io_uring_cqe_seen(ring, cqe)
        return value
    }
}
