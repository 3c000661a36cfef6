import HTTP1

/// Accepts connections and serves each on its own thread with blocking I/O: the runtime holds one
/// kept-alive connection, so a thread per connection costs nothing and adds no hand-offs.
struct Server: Sendable {
    let router: Router

    func serve(_ listener: Listener) {
        while true {
            guard let connection = try? listener.accept() else { continue }
            let generation = router.state.currentGeneration()
            let router = self.router
            startThread {
                Self.serve(connection, router: router, generation: generation)
            }
        }
    }

    private static func serve(_ socket: Socket, router: Router, generation: Int) {
        // Spins up to 1 ms before blocking so the emulator answers at once (see Socket.read).
        let reader = MessageReader(socket: socket, spinNanoseconds: 1_000_000)
        while true {
            guard let head = try? reader.readHead(), let body = try? reader.readBody(of: head) else { return }
            let received = monotonicNanoseconds()
            guard let reply = router.handle(head, body: body, generation: generation) else { return }
            do {
                try socket.write(reply.head, reply.body)
            } catch {
                return
            }
            // Includes any wait for an invocation; the bench reads it while the queue is full.
            router.state.addService(nanoseconds: monotonicNanoseconds() - received)
            if head.closesConnection { return }
        }
    }
}
