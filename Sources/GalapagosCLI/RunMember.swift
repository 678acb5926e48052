import Galapagos

/// A program taken from a run (a run file, or a hub run): the run, its search space as the run
/// used it, the member and its parsed program. `export` and `predict` read runs this way.
struct RunMember {
    /// The run file's path or the hub run's description, for messages.
    let location: String
    let run: StoredRun
    let space: SearchSpace
    let member: RunReader.StoredMember
    let program: Program

    /// Loads member `id`, or the program the run reported when `id` is `nil`.
    ///
    /// - Parameters:
    ///   - input: a run file (.sqlite) or a hub URL (with `runName`).
    ///   - check: called with the search space before the member is read (to refuse spaces a
    ///     command cannot handle).
    static func load(
        _ input: String, runName: String? = nil, id: Int? = nil,
        check: (SearchSpace, String) throws -> Void = { _, _ in }
    ) throws -> RunMember {
        guard !input.lowercased().hasSuffix(".gal") else {
            throw GalapagosError.invalidArgument(
                "\(input): a program file needs --searchspace FILE (run files end in .sqlite)")
        }
        let reader = try RunInput.records(input, run: runName)
        let run = try reader.run()
        let space = try run.effectiveSearchSpace(location: reader.location)
        try check(space, reader.location)
        let member: RunReader.StoredMember
        if let id {
            guard let found = try reader.member(id: id) else {
                throw GalapagosError.run(
                    "\(reader.location): no program with id \(id) (galapagos inspect lists the hall of fame)")
            }
            member = found
        } else {
            guard let reported = try reader.reported() else {
                throw GalapagosError.run("\(reader.location): the run holds no programs yet")
            }
            member = reported
        }
        let program = try ProgramParser(limits: space.programLimits(strictOps: false))
            .parse(member.program, file: "\(reader.location) (program \(member.id))")
        return RunMember(location: reader.location, run: run, space: space, member: member, program: program)
    }
}
