import Foundation
import HTTP1

/// A local HTTP server that answers each request from a script, and records when each arrived:
/// a real peer for the retry tests, reached through libcurl like AWS would be.
final class ScriptedServer: @unchecked Sendable {
    enum Answer {
        case status(Int, String, headers: [(String, String)] = [])
        /// Reads the request, then resets the connection without answering.
        case reset
    }

    private let listener: Listener
    private let lock = NSLock()
    private var script: [Answer]
    private let fallback: Answer
    private var arrivals: [Int64] = []

    init(_ script: [Answer], thenAlways fallback: Answer = .status(200, "{}")) throws {
        listener = try Listener(host: "127.0.0.1", port: 0)
        self.script = script
        self.fallback = fallback
        Thread.detachNewThread { [self] in serve() }
    }

    var url: String { "http://127.0.0.1:\(listener.port)" }

    var arrivalTimes: [Int64] { lock.withLock { arrivals } }
    var attempts: Int { arrivalTimes.count }

    private func serve() {
        while let connection = try? listener.accept() {
            let reader = MessageReader(socket: connection)
            while let head = try? reader.readHead(), (try? reader.readBody(of: head)) != nil {
                let answer: Answer = lock.withLock {
                    arrivals.append(Int64(Date().timeIntervalSince1970 * 1000))
                    return script.isEmpty ? fallback : script.removeFirst()
                }
                switch answer {
                case .reset:
                    var linger = linger(l_onoff: 1, l_linger: 0)
                    setsockopt(connection.descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                    connection.close()
                case .status(let code, let body, let headers):
                    let head = MessageHead.serialize("HTTP/1.1 \(code) X", headers + [("Content-Length", String(body.utf8.count))])
                    try? connection.write(head, Array(body.utf8))
                    continue
                }
                break
            }
        }
    }
}
