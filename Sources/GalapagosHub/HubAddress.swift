import Foundation
import Galapagos
import NIOSSL
import PostgresNIO

/// Where a hub lives: a `postgres://user:password@host:port/database?sslmode=…` URL.
///
/// The password may also come from `PGPASSWORD`, so that it stays out of process lists.
/// `sslmode` follows libpq: `disable` (the default); `prefer` and `require` encrypt without
/// checking the server's certificate; `verify-ca` checks that a trusted authority signed it;
/// `verify-full` also checks that it names the host. `sslrootcert=PATH` names the authorities
/// (PEM) to trust instead of the system's.
public struct HubAddress: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// The certificate authorities to trust (`sslrootcert`), a PEM file; `nil`: the system's.
    public var rootCertificate: String?

    /// Whether a command-line argument names a hub rather than a file.
    public static func isHubURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a URL.
    ///
    /// - Parameter environment: where `PGPASSWORD` is looked up when the URL has no password.
    /// - Throws: ``GalapagosError/invalidArgument(_:)`` naming what is wrong with the URL.
    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func invalid(_ why: String) -> GalapagosError {
            .invalidArgument("hub URL \(Self.redacted(url)): \(why); expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        guard Self.isHubURL(url) else { throw invalid("the scheme must be postgres:// or postgresql://") }
        guard let components = URLComponents(string: url) else { throw invalid("not a valid URL") }
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("no user name") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else { throw invalid("no database name after the host") }
        if let port = components.port, !(1...65535).contains(port) { throw invalid("port \(port) is out of range") }
        var tls = TLSMode.disable
        var rootCertificate: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw invalid("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "sslrootcert":
                guard let value = item.value, !value.isEmpty else { throw invalid("sslrootcert needs a file") }
                rootCertificate = value
            default:
                throw invalid("unknown parameter \(item.name) (only sslmode and sslrootcert are understood)")
            }
        }
        if rootCertificate != nil, tls != .verifyCA, tls != .verifyFull {
            throw invalid("sslrootcert is used by sslmode=verify-ca or verify-full only")
        }
        self.rootCertificate = rootCertificate
        self.host = host
        port = components.port ?? 5432
        // URLComponents has already decoded percent escapes in these.
        username = user
        password = components.password ?? environment["PGPASSWORD"]
        self.database = database
        self.tls = tls
    }

    /// The URL without its password: safe to print and to store.
    public var description: String {
        var query = tls == .disable ? "" : "?sslmode=\(tls.rawValue)"
        if let rootCertificate { query += "&sslrootcert=\(rootCertificate)" }
        return "postgres://\(username)@\(host):\(port)/\(database)\(query)"
    }

    /// A URL as given, its password (if any) replaced by `***`. Works on the text, so that
    /// even a URL too malformed to parse does not show its password.
    static func redacted(_ url: String) -> String {
        // Without "://" (a mistyped scheme) the user information starts after the first ":".
        let rest = url.range(of: "://").map { url[$0.upperBound...] }
            ?? url.firstIndex(of: ":").map { url[url.index(after: $0)...] } ?? url[...]
        // The last "@": a password may hold "/", "#" or "?" unescaped; a database name rarely
        // holds "@".
        guard let at = rest.lastIndex(of: "@") else { return url }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }

    /// PostgresNIO's connection settings.
    func configuration() throws -> PostgresConnection.Configuration {
        let tlsSetting: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable:
            tlsSetting = .disable
        case .prefer, .require, .verifyCA, .verifyFull:
            var settings = TLSConfiguration.makeClientConfiguration()
            switch tls {
            case .verifyFull: settings.certificateVerification = .fullVerification
            case .verifyCA: settings.certificateVerification = .noHostnameVerification
            default: settings.certificateVerification = .none  // libpq's prefer and require
            }
            if let rootCertificate {
                guard FileManager.default.isReadableFile(atPath: rootCertificate) else {
                    throw GalapagosError.hub(description, "sslrootcert \(rootCertificate): no such readable file")
                }
                settings.trustRoots = .file(rootCertificate)
            }
            let context: NIOSSLContext
            do {
                context = try NIOSSLContext(configuration: settings)
            } catch {
                throw GalapagosError.hub(description, "cannot set up TLS (\(error))")
            }
            tlsSetting = tls == .prefer ? .prefer(context) : .require(context)
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: tlsSetting)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
