/// What a build of fragbench supports, asked of the binary itself (not grepped from its source:
/// what a build supports is what it runs), so `compare --build` can pair HEAD with an older BASE.
package struct BuildCapabilities {
    package let binary: String

    package init(binary: String) { self.binary = binary }

    /// `fragbench run` exists (the lab's runner): without it there is nothing to compare.
    package var hasRun: Bool { (try? ChildCommand(binary, ["run", "--help"]).run(output: .discard).status) == 0 }

    /// The `gate` preset (every layout, version, alignment, page size and API). Asked by
    /// listing it, not from help text, which wraps with the terminal's width.
    package var hasGatePreset: Bool {
        (try? ChildCommand(binary, ["list", "--preset", "gate", "--quick"]).run(output: .discard).status) == 0
    }

    /// `run --callgrind-only`: the gate's runs need not also time every point natively.
    package var hasCallgrindOnly: Bool {
        guard let out = try? ChildCommand(binary, ["run", "--help"]).run(output: .capture), out.status == 0 else { return false }
        return out.text.contains("--callgrind-only")
    }
}
