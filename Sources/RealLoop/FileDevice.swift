#if canImport(Glibc)
import Glibc
#endif

/// A replay that cannot run as asked, with a message saying what to change.
public struct ReplayError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        case unsupported, writeNotAllowed, mountedDevice, misaligned, tooSmall, notADevice, system
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A regular file or a block device opened with O_DIRECT for the replay's reads (and writes, only when allowed).
///
/// Safety rules, checked before anything is opened for writing:
/// - writes need `allowWrite` (`--allow-write`);
/// - never write to a block device that holds, or whose partition holds, a mounted filesystem (its major:minor
///   appears in /proc/self/mountinfo, directly or as a partition below it in /sys/dev/block);
/// - every offset and length must be a multiple of the O_DIRECT alignment (the logical block size of a block device,
///   4096 for a file), or the request is rejected with an error instead of failing with EINVAL in the kernel.
public final class FileDevice: @unchecked Sendable {
    public let path: String
    public let fd: Int32
    /// Bytes addressable.
    public let size: Int64
    /// Offsets and lengths must be multiples of this.
    public let alignment: Int
    public let isBlockDevice: Bool
    public let writable: Bool

    /// Opens `path`. `needsWrite`: the workload writes; refused unless `allowWrite`.
    public init(path: String, needsWrite: Bool, allowWrite: Bool) throws {
        self.path = path
        let info: stat
        do {
            info = try Sys.stat(path: path)
        } catch let error as SystemError {
            throw ReplayError(.system, "cannot use device '\(path)': \(error)")
        }
        isBlockDevice = Sys.isBlockDevice(info)
        guard isBlockDevice || Sys.isRegularFile(info) else {
            throw ReplayError(.notADevice, "'\(path)' is neither a regular file nor a block device")
        }
        if needsWrite {
            guard allowWrite else {
                throw ReplayError(.writeNotAllowed,
                                  "the scenario writes to '\(path)'; pass --allow-write to let pollsim overwrite its data")
            }
            if isBlockDevice, let mount = try Self.mountedFilesystem(on: UInt64(info.st_rdev)) {
                throw ReplayError(.mountedDevice,
                                  "refusing to write to '\(path)': it holds the filesystem mounted on \(mount)")
            }
        }
        writable = needsWrite
        let flags = (needsWrite ? O_RDWR : O_RDONLY) | Sys.oDirect
        do {
            fd = try Sys.open(path, flags: flags)
        } catch let error as SystemError {
            throw ReplayError(.system, "cannot open '\(path)' with O_DIRECT: \(error)")
        }
        do {
            if isBlockDevice {
                size = Int64(try Sys.blockDeviceBytes(fd, path: path))
                alignment = max(512, try Sys.logicalBlockSize(fd, path: path))
            } else {
                size = Int64(info.st_size)
                alignment = 4096
            }
        } catch {
            Sys.close(fd)
            throw ReplayError(.system, "\(error)")
        }
    }

    deinit { Sys.close(fd) }

    /// Throws unless [offset, offset + length) is O_DIRECT-aligned and inside the device.
    public func checkAccess(offset: Int64, length: Int) throws {
        guard length > 0, length % alignment == 0 else {
            throw ReplayError(.misaligned,
                              "length \(length) is not a multiple of \(alignment) bytes, the O_DIRECT alignment of '\(path)'")
        }
        guard offset >= 0, offset % Int64(alignment) == 0 else {
            throw ReplayError(.misaligned,
                              "offset \(offset) is not a multiple of \(alignment) bytes, the O_DIRECT alignment of '\(path)'")
        }
        guard offset + Int64(length) <= size else {
            throw ReplayError(.tooSmall, "'\(path)' holds \(size) bytes; an access of \(length) bytes at \(offset) does not fit")
        }
    }

    /// Where a filesystem on the block device `rdev` (or on a partition of it) is mounted, if anywhere.
    static func mountedFilesystem(on rdev: UInt64) throws -> String? {
        let device = "\(Sys.major(rdev)):\(Sys.minor(rdev))"
        let deviceSys = Sys.realPath("/sys/dev/block/\(device)")
        let text: String
        do {
            text = try Sys.readSmallTextFile("/proc/self/mountinfo")
        } catch {
            // Without the mount table the device cannot be shown to be unmounted: refuse.
            throw ReplayError(.mountedDevice, "cannot read /proc/self/mountinfo to check that the device is not mounted: \(error)")
        }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { continue }
            let mounted = String(fields[2])
            let mountPoint = String(fields[4])
            if mounted == device { return mountPoint }
            // A partition of this disk: its sysfs node lives below the disk's.
            if let deviceSys, let mountedSys = Sys.realPath("/sys/dev/block/\(mounted)"),
               mountedSys.hasPrefix(deviceSys + "/") {
                return mountPoint + " (partition \(mounted))"
            }
        }
        return nil
    }

    /// Creates `path` holding `bytes` of random data written with O_DIRECT (as `dd if=/dev/urandom oflag=direct`), so
    /// that reads hit real blocks. For tests and the validation campaign.
    /// `bytes` must be a multiple of 4096.
    public static func createTestFile(path: String, bytes: Int) throws {
        guard bytes > 0, bytes % 4096 == 0 else {
            throw ReplayError(.misaligned, "a test file's size must be a positive multiple of 4096 bytes, not \(bytes)")
        }
        let chunk = 1 << 20
        let fd = try Sys.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC | Sys.oDirect, mode: 0o600)
        defer { Sys.close(fd) }
        let buffer = try Sys.alignedAllocate(bytes: chunk, alignment: 4096)
        defer { Sys.free(buffer) }
        var done = 0
        while done < bytes {
            let n = min(chunk, bytes - done)
            try Sys.randomBytes(buffer, count: n)
            try Sys.pwriteAll(fd, buffer, count: n, offset: Int64(done), path: path)
            done += n
        }
        try Sys.fsync(fd, path: path)
    }
}
