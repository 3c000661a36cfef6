#if canImport(Glibc)
import Glibc
#endif

/// A runtime process the bench starts and stops, so it can time exec → first GET next.
struct ChildProcess {
    let pid: pid_t

    static func spawn(_ command: [String], extraEnvironment: [String: String]) -> ChildProcess? {
        var environment: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let name = String(text.prefix { $0 != "=" })
            if extraEnvironment[name] == nil { environment.append(text) }
            index += 1
        }
        environment += extraEnvironment.map { "\($0.key)=\($0.value)" }
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, command[0], &actions, nil, argv, envp)
        guard status == 0 else {
            print("runtime-emulator: cannot start \(command[0]): \(String(cString: strerror(status)))")
            return nil
        }
        return ChildProcess(pid: pid)
    }

    /// Stops the process and returns its peak resident set size in KiB, read from VmHWM while it
    /// still runs: wait4's ru_maxrss would report the emulator's own size, which posix_spawn's
    /// shared address space carries over the exec.
    @discardableResult
    func stop(signal: Int32 = SIGKILL, graceMilliseconds: Int = 2000) -> Int {
        let peak = peakResidentKiB()
        kill(pid, signal)
        var status: Int32 = 0
        var usage = rusage()
        var waited = 0
        while wait4(pid, &status, WNOHANG, &usage) == 0 {
            if waited >= graceMilliseconds {
                kill(pid, SIGKILL)
                wait4(pid, &status, 0, &usage)
                break
            }
            usleep(1000)
            waited += 1
        }
        return peak
    }

    private func peakResidentKiB() -> Int {
        guard let file = fopen("/proc/\(pid)/status", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmHWM:") {
                return Int(text.dropFirst(6).filter(\.isNumber)) ?? 0
            }
        }
        return 0
    }
}
