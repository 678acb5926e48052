import Galapagos
import NIOSSL
import PostgresNIO

/// What went wrong talking to a hub, in words a user can act on, and whether waiting helps.
struct HubFailure {
    /// Whether retrying on a new connection may succeed (the server is down, restarting, or
    /// the network dropped).
    var isTransient: Bool
    var message: String
    /// An error that is already ours (bad data in the hub, say) and passes through unchanged.
    var passThrough: GalapagosError?
    let address: HubAddress

    init(_ error: any Error, address: HubAddress) {
        self.address = address
        (isTransient, message, passThrough) = Self.classify(error, address: address)
    }

    private static func classify(
        _ error: any Error, address: HubAddress
    ) -> (transient: Bool, message: String, passThrough: GalapagosError?) {
        if let error = error as? GalapagosError {
            return (false, "\(error)", error)
        }
        if let error = error as? OperationTimedOut {
            return (true, "\(error)", nil)
        }
        if let error = error as? PostgresTransactionError,
           let inner = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError {
            return classify(inner, address: address)
        }
        if let error = error as? PSQLError {
            let (transient, message) = describe(error, address: address)
            return (transient, message, nil)
        }
        if error is PostgresDecodingError {
            return (false, "the hub's tables hold data this build cannot read (\(String(reflecting: error)))", nil)
        }
        // Errors from the network layer before a PostgreSQL conversation started.
        return (true, "cannot connect (\(error))", nil)
    }

    /// The error to throw for a failed operation.
    func error(_ what: String) -> GalapagosError {
        if let passThrough { return passThrough }
        return .hub(address.description, "\(what): \(message)")
    }

    private static func describe(_ error: PSQLError, address: HubAddress) -> (Bool, String) {
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let text = error.serverInfo?[.message] ?? "server error"
            switch state {
            case "28P01", "28000":
                return (false, "authentication failed for user \(address.username) (\(text)); check the"
                    + " password in the URL or in PGPASSWORD, and the server's pg_hba.conf")
            case "3D000":
                return (false, "database \(address.database) does not exist (\(text)); create it with"
                    + " `createdb \(address.database)` or name another in the URL")
            case "42501":
                return (false, "permission denied (\(text)); the user \(address.username) needs to"
                    + " create tables in database \(address.database)")
            case "57P01", "57P02", "57P03", "53300", "40001", "40P01", "08000", "08003", "08006":
                return (true, text)
            default:
                return (false, "the server refused an operation (SQLSTATE \(state): \(text))")
            }
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            let cause = error.underlying.map { "\($0)" } ?? "\(error.code)"
            if let underlying = error.underlying, underlying is NIOSSLError || underlying is NIOSSLExtraError {
                // A certificate that does not verify will not verify on the next try either.
                return (false, "the TLS handshake failed (\(cause)): with sslmode=\(address.tls.rawValue) the"
                    + " server's certificate must be signed by a trusted authority (sslrootcert=PATH)"
                    + (address.tls == .verifyFull ? " and name the host \(address.host)" : ""))
            }
            return (true, "connection failed (\(cause))")
        case .sslUnsupported:
            return (false, "the server does not support TLS; use sslmode=disable or prefer")
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return (false, "cannot authenticate user \(address.username) (\(error.code)); give a password in"
                + " the URL or in PGPASSWORD")
        default:
            return (false, "\(error.code)")
        }
    }
}
