import Foundation
import Galapagos
import Testing
@testable import GalapagosHub

/// Against a PostgreSQL with TLS on (`scripts/postgres-tls.sh`, which `.ci/run` runs): its
/// certificate names "localhost" only and is signed by the authority in
/// GALAPAGOS_TEST_POSTGRES_TLS_CA.
private let testAuthority = ProcessInfo.processInfo.environment["GALAPAGOS_TEST_POSTGRES_TLS_CA"]

@Suite(.enabled(if: testAuthority != nil && HubFixtures.databaseURL != nil, "needs GALAPAGOS_TEST_POSTGRES_TLS_CA"), .serialized)
struct HubTLSTests {
    static var authority: String? { testAuthority }

    /// The test database's URL with another host and TLS parameters.
    private func url(host: String, _ query: String) throws -> String {
        let plain = try HubAddress(try #require(HubFixtures.databaseURL))
        return "postgres://\(plain.username):\(plain.password ?? "")@\(host):\(plain.port)/\(plain.database)?\(query)"
    }

    /// Whether the session the hub talks on is encrypted, by the server's account.
    private func encrypted(_ url: String) async throws -> Bool {
        let hub = HubConnection(address: try HubAddress(url), retryFor: .seconds(2))
        return try await hub.closing {
            try await hub.perform("asking about TLS") { connection, logger in
                try await connection.query(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger
                ).collect().first?.decode(Bool.self) ?? false
            }
        }
    }

    @Test func requireEncryptsWithoutCheckingTheCertificate() async throws {
        #expect(try await encrypted(try url(host: "127.0.0.1", "sslmode=require")))
    }

    @Test func verifyFullAcceptsTheNamedHostSignedByTheAuthority() async throws {
        let authority = try #require(Self.authority)
        #expect(try await encrypted(try url(host: "localhost", "sslmode=verify-full&sslrootcert=\(authority)")))
        // verify-ca checks the signature, not the name.
        #expect(try await encrypted(try url(host: "127.0.0.1", "sslmode=verify-ca&sslrootcert=\(authority)")))
    }

    @Test func verifyFullRefusesAnotherHostNameAtOnceAndSaysWhy() async throws {
        let authority = try #require(Self.authority)
        let clock = ContinuousClock()
        let start = clock.now
        await #expect {
            _ = try await encrypted(try url(host: "127.0.0.1", "sslmode=verify-full&sslrootcert=\(authority)"))
        } throws: { error in
            let text = "\(error)"
            return text.contains("TLS handshake failed") && text.contains("name the host 127.0.0.1")
        }
        // Not retried as if the server were down.
        #expect(clock.now - start < .seconds(2))
        // Without the authority, the system's roots do not trust the test certificate.
        await #expect {
            _ = try await encrypted(try url(host: "localhost", "sslmode=verify-full"))
        } throws: { "\($0)".contains("TLS handshake failed") }
    }

    @Test func badTLSParametersAreNamed() throws {
        #expect(throws: (any Error).self) { try HubAddress("postgres://u@h/d?sslmode=require&sslrootcert=/x") }
        #expect { try HubAddress("postgres://u@h/d?sslmode=verify-all") } throws: {
            "\($0)".contains("sslmode must be one of disable, prefer, require, verify-ca, verify-full")
        }
    }
}
