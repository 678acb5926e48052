import Foundation
import Galapagos
import Hummingbird

/// `galapagos serve`: a read-only web dashboard over run files, or a hub's run.
///
/// Pages: the run list (`/`), a run's live page (`/runs/{run}`: the plots of `inspect --html`,
/// reloaded when a new checkpoint arrives) and a program's page (`/runs/{run}/programs/{id}`:
/// fitness on the search, select and final tasks, the program simplified and as evolved,
/// downloads in every export format, and its lineage with the change at each step). The same
/// facts as JSON under `/api/`. Nothing is written: run files are opened read-only (SQLite's WAL
/// lets a page read a run that `evolve` is writing), and run names that are not files of the
/// served directory are refused.
public struct Dashboard: Sendable {
    /// Where the runs come from.
    public let runs: any RunSource

    public init(runs: any RunSource) {
        self.runs = runs
    }

    /// The dashboard's routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let runs = self.runs
        router.get("/") { _, _ in
            HTMLPage(Pages.runList(await Self.listings(runs), served: runs.servedDescription))
        }
        router.get("/api/runs") { _, _ in
            JSONBody(await Self.listings(runs))
        }
        router.get("/compare/:space") { _, context in
            let space = try context.parameters.require("space")
            var readers: [(name: String, reader: any RunRecords)] = []
            for name in await runs.names() {
                guard let reader = try? await runs.open(name),
                      RunListing.read(name: name, reader: reader).searchSpace == space else { continue }
                readers.append((name, reader))
            }
            guard !readers.isEmpty else { throw HTTPError(.notFound, message: "no runs of search space \(space) here") }
            return HTMLPage(try Pages.comparison(space: space, runs: readers))
        }
        router.get("/runs/:run") { _, context in
            let (name, reader) = try await Self.open(context, in: runs)
            return HTMLPage(try Pages.runPage(name: name, reader: reader))
        }
        router.get("/api/runs/:run") { _, context in
            let (name, reader) = try await Self.open(context, in: runs)
            return JSONBody(RunListing.read(name: name, reader: reader))
        }
        router.get("/api/runs/:run/progress") { _, context in
            let (_, reader) = try await Self.open(context, in: runs)
            guard let progress = try reader.progress() else {
                throw HTTPError(.notFound, message: "the run has no checkpoint yet")
            }
            return JSONBody(progress)
        }
        router.get("/api/runs/:run/statistics") { _, context in
            JSONBody(try await Self.open(context, in: runs).reader.statistics())
        }
        router.get("/api/runs/:run/islands") { _, context in
            JSONBody(try await Self.open(context, in: runs).reader.islands())
        }
        router.get("/api/runs/:run/hall-of-fame") { _, context in
            JSONBody(try await Self.open(context, in: runs).reader.hallOfFame(limit: .max))
        }
        router.get("/api/runs/:run/pareto") { _, context in
            let reader = try await Self.open(context, in: runs).reader
            return JSONBody(try reader.searchSpace().map { try reader.simplifiedParetoFront(in: $0) }
                ?? reader.paretoFront())
        }
        router.get("/api/runs/:run/bandits") { _, context in
            JSONBody(try await Self.open(context, in: runs).reader.bandits())
        }
        router.get("/runs/:run/programs/:id") { _, context in
            HTMLPage(Pages.programPage(try await Self.program(context, in: runs)))
        }
        router.get("/api/runs/:run/programs/:id") { _, context in
            JSONBody(try await Self.program(context, in: runs))
        }
        router.get("/runs/:run/programs/:id/:file") { _, context in
            try await Self.download(context, in: runs)
        }
        return router
    }

    /// The application serving ``router()`` on `host:port`.
    public func application(host: String, port: Int) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "galapagos"))
    }

    // MARK: Requests

    /// Every run's listing, in the source's order.
    static func listings(_ runs: any RunSource) async -> [RunListing] {
        var listings: [RunListing] = []
        for name in await runs.names() {
            if let listing = await RunListing.read(name: name, from: runs) { listings.append(listing) }
        }
        return listings
    }

    /// The run a request names, opened read-only.
    static func open(_ context: BasicRequestContext, in runs: any RunSource) async throws -> (name: String, reader: any RunRecords) {
        let name = try context.parameters.require("run")
        let reader: (any RunRecords)?
        do {
            reader = try await runs.open(name)
        } catch {
            throw HTTPError(.unprocessableContent, message: "\(error)")
        }
        guard let reader else {
            throw HTTPError(.notFound, message: "no run named \(name) here (see the run list at /)")
        }
        return (name, reader)
    }

    static func program(_ context: BasicRequestContext, in runs: any RunSource) async throws -> ProgramView {
        let (name, reader) = try await open(context, in: runs)
        let id = try memberID(context)
        guard let view = try ProgramView.read(run: name, reader: reader, id: id) else {
            throw HTTPError(.notFound, message: "\(name) holds no program with id \(id)")
        }
        return view
    }

    static func memberID(_ context: BasicRequestContext) throws -> Int {
        let text = try context.parameters.require("id")
        guard let id = Int(text), id >= 0 else {
            throw HTTPError(.badRequest, message: "a program id is a whole number, not \(text)")
        }
        return id
    }

    /// `program.swift`, `program.py`, `program.tex`, `program.gal` or `program.json`.
    static func download(_ context: BasicRequestContext, in runs: any RunSource) async throws -> Response {
        let file = try context.parameters.require("file")
        guard file.hasPrefix("program."),
              let format = ExportFormat.allCases.first(where: { file == "program.\($0.fileExtension)" })
        else {
            throw HTTPError(.notFound, message: "downloads are program.swift, .py, .tex, .gal and .json, not \(file)")
        }
        let (name, reader) = try await open(context, in: runs)
        let id = try memberID(context)
        guard let member = try reader.member(id: id) else {
            throw HTTPError(.notFound, message: "\(name) holds no program with id \(id)")
        }
        let text: String
        do {
            let run = try reader.run()
            let space = try run.effectiveSearchSpace(location: reader.location)
            try ExportEligibility.requireExportable(space, file: name)
            let program = try ProgramParser(limits: space.programLimits(strictOps: false))
                .parse(member.program, file: "\(name) (program \(id))")
            let metadata = ExportMetadata.member(id: id, fitness: member.fitness, space: space, run: run, source: name)
            text = try ProgramExport(program: program, shape: space.memory, metadata: metadata).render(format)
        } catch {
            throw HTTPError(.unprocessableContent, message: "\(error)")
        }
        let filename = "\(SwiftIdentifier.typeName(from: "\(name.replacingOccurrences(of: ".sqlite", with: "")) \(id)")).\(format.fileExtension)"
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=utf-8",
                      .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// An HTML page as a response.
struct HTMLPage: ResponseGenerator {
    let text: String

    init(_ text: String) { self.text = text }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A value as a JSON response; infinities and NaN (which JSON lacks) become strings.
struct JSONBody<Value: Encodable & Sendable>: ResponseGenerator {
    let value: Value

    init(_ value: Value) { self.value = value }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
