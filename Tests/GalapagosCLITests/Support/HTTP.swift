import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A response: status code and body text.
struct HTTPResult {
    var status: Int
    var body: String
}

/// A blocking GET, for tests that talk to a `galapagos serve` process.
func httpGet(_ address: String, timeout: TimeInterval = 30) throws -> HTTPResult {
    guard let url = URL(string: address) else { throw URLError(.badURL) }
    final class Box: @unchecked Sendable { var result: Result<HTTPResult, Error>? }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    var request = URLRequest(url: url)
    request.timeoutInterval = timeout
    URLSession.shared.dataTask(with: request) { data, response, error in
        if let error {
            box.result = .failure(error)
        } else {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.result = .success(HTTPResult(status: status, body: String(decoding: data ?? Data(), as: UTF8.self)))
        }
        done.signal()
    }.resume()
    done.wait()
    return try box.result?.get() ?? HTTPResult(status: 0, body: "")
}

/// A TCP port nothing listens on right now (the kernel's choice for port 0).
func freeTCPPort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0
            && getsockname(socket, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
