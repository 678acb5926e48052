extension SearchSpace {
    /// The number of distinct instructions a component may hold: for every allowed op, the
    /// choices of output register, input registers and element indices (each constant slot
    /// counts as one choice).
    public func distinctInstructions(in component: Component) -> BigInteger {
        var total = BigInteger(0)
        for op in self[component].ops {
            let info = op.info
            var choices = BigInteger(1)
            if let output = info.output {
                choices = choices * BigInteger(memory.count(of: output))
            }
            for input in info.inputs {
                choices = choices * BigInteger(memory.count(of: input))
            }
            if info.indexCount > 0 {
                choices = choices * BigInteger(memory.features).power(UInt(info.indexCount))
            }
            total = total + choices
        }
        return total
    }

    /// The number of distinct instruction sequences a component may hold: Σ Iⁿ for every
    /// allowed length n, where I is ``distinctInstructions(in:)``.
    public func distinctSequences(in component: Component) -> BigInteger {
        let spec = self[component]
        let instructions = distinctInstructions(in: component)
        var total = BigInteger(0)
        var term = instructions.power(UInt(spec.minimumSize))
        for _ in spec.minimumSize...spec.maximumSize {
            total = total + term
            term = term * instructions
        }
        return total
    }

    /// The exact number of distinct program structures the search space allows: the product
    /// over components of ``distinctSequences(in:)``.
    public var programStructureCount: BigInteger {
        Component.allCases.reduce(BigInteger(1)) { $0 * distinctSequences(in: $1) }
    }
}
