import AWSClient
import LambdaRuntime

/// `expire-clones`: on its schedule, deletes this base's self-service clones whose expiry has
/// passed and reports which; also makes, lists and deletes one on request (CloneEvent).
public struct ExpireClonesHandler: JSONHandler {
    let settings: SettingsSource
    let session: AWSSession

    public init(settings: SettingsSource, session: AWSSession) {
        self.settings = settings
        self.session = session
    }

    public static func make() throws -> ExpireClonesHandler {
        let settings = try SettingsSource.process()
        try Settings.validateAtInit(settings)
        return ExpireClonesHandler(settings: settings, session: try AWSSession())
    }

    public struct Output: Encodable, Sendable {
        public var action: String
        public var dryRun: Bool?
        public var expired: [CloneStacks.Summary]?
        public var clones: [CloneStacks.Summary]?
        public var created: CloneStacks.Created?
        public var deleted: String?
    }

    public func handle(event: CloneEvent, context: Context) throws -> Output {
        let settings = try Settings(self.settings)
        let deadline = Deadline(epochMilliseconds: context.deadlineMilliseconds)
        let stacks = CloneStacks(settings: settings, session: session, deadline: deadline)
        var output = Output(action: event.action.rawValue)
        switch event.action {
        case .expire:
            let expired = try stacks.expire(now: Clock.epochMilliseconds(), dryRun: event.dryRun)
            output.expired = expired
            output.dryRun = event.dryRun ? true : nil
            context.logger.info(event.dryRun ? "clones past their expiry (dry run)" : "expired clones deleted",
                                ["count": .int(Int64(expired.count)), "clones": .string(expired.map(\.name).joined(separator: ","))])
        case .list:
            output.clones = try stacks.list()
        case .create:
            let owner = try event.owner ?? STS(session: session, deadline: deadline).getCallerIdentity().arn
            output.created = try stacks.create(name: event.name!, ttl: event.ttl, instanceClass: event.instanceClass, owner: owner)
        case .delete:
            output.deleted = try stacks.delete(name: event.name!)
        }
        return output
    }
}
