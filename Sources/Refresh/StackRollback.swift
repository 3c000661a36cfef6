import AWSClient
import LambdaRuntime

/// CloudFormation rolls a failed update back by sending each updated custom resource another Update
/// with its old properties. Doing the work again then (migrating, masking) could fail again and
/// leave the stack UPDATE_ROLLBACK_FAILED, which blocks every later refresh; the handlers answer
/// SUCCESS without working instead. When the stack's status cannot be read, the Update is handled
/// like any other.
enum StackRollback {
    static func inProgress(_ request: CustomResourceRequest, session: AWSSession, context: Context) -> Bool {
        guard request.RequestType == .Update else { return false }
        do {
            let deadline = Deadline(epochMilliseconds: min(context.deadlineMilliseconds, Clock.epochMilliseconds() + 10_000))
            let status = try CloudFormation(session: session, deadline: deadline).describeStack(name: request.StackId)?.status
            return status == "UPDATE_ROLLBACK_IN_PROGRESS"
        } catch {
            context.logger.warn("cannot read the stack's status, so the Update is handled as usual: \(error)")
            return false
        }
    }
}
