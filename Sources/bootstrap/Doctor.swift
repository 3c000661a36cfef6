import AWSClient

/// `bootstrap doctor`: what this process would use to reach AWS, and whether AWS accepts it.
/// It prints the credential source and a masked key id, never the secret or the token.
enum Doctor {
    static func run(environment: Environment = .process()) -> Int32 {
        let session: AWSSession
        do {
            session = try AWSSession(environment: environment)
        } catch {
            print("region:       \(error)")
            return 1
        }
        let regionSource = environment["AWS_REGION"] != nil ? "AWS_REGION" : "AWS_DEFAULT_REGION"
        print("region:       \(session.region) (\(regionSource))")
        let resolved: CredentialChain.Resolved
        do {
            resolved = try session.credentials()
        } catch {
            print("credentials:  \(error)")
            return 1
        }
        let token = resolved.credentials.sessionToken == nil ? "" : ", with a session token"
        print("credentials:  \(resolved.source): access key \(masked(resolved.credentials.accessKeyID))\(token)")
        do {
            let library = try CurlTransport.library()
            print("libcurl:      \(library.path): \(library.version)")
        } catch {
            print("libcurl:      \(error)")
            return 1
        }
        do {
            let bundle = try CABundle.locate(environment: environment)
            print("CA bundle:    \(bundle.path) (\(bundle.source))")
        } catch {
            print("CA bundle:    \(error)")
            return 1
        }
        print("endpoints:")
        for service in ServiceDescriptor.all {
            let line: String
            do {
                let endpoint = try session.endpoint(for: service)
                line = "\(endpoint) (\(endpoint.source))"
            } catch {
                line = error.description
            }
            print("  \(service.name.padding(16))\(line)")
        }
        do {
            let identity = try STS(session: session, deadline: .after(milliseconds: 10_000)).getCallerIdentity()
            print("caller:       \(identity.arn) (account \(identity.account))")
            return 0
        } catch {
            print("caller:       \(error)")
            return 1
        }
    }

    /// `AKIA…WXYZ`: enough to tell keys apart in a support thread.
    static func masked(_ keyID: String) -> String {
        keyID.count <= 8 ? String(repeating: "*", count: keyID.count) : keyID.prefix(4) + "…" + keyID.suffix(4)
    }
}
