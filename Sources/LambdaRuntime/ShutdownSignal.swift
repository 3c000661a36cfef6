#if canImport(Glibc)
import Glibc
#endif

/// Lambda sends SIGTERM before shutting a sandbox down (only when an extension is registered).
/// The signal is taken on a thread of its own with sigwait, so the exit path can log normally
/// instead of being limited to async-signal-safe calls inside a handler.
enum ShutdownSignal {
    private final class Payload {
        let logger: Logger
        init(_ logger: Logger) { self.logger = logger }
    }

    static func install(logger: Logger) {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        // Blocked before any other thread exists, so every thread inherits the mask and only
        // sigwait below receives the signal.
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        var thread = pthread_t()
        let payload = Unmanaged.passRetained(Payload(logger)).toOpaque()
        let created = pthread_create(&thread, nil, { raw in
            let logger = Unmanaged<Payload>.fromOpaque(raw!).takeRetainedValue().logger
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGTERM)
            var received: Int32 = 0
            while sigwait(&signals, &received) != 0 {}
            logger.info("SIGTERM received: flushing logs and exiting")
            fflush(nil)
            exit(0)
        }, payload)
        if created == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Payload>.fromOpaque(payload).release()
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        }
    }
}
