import Workloads

/// A point named as `fragbench list` names it, found in a sweep: what `fragbench profile` runs.
struct ProfilePoint {
    /// The `run` arguments of the sweep holding only this point (for a native run under perf).
    var runArguments: [String]
    var parameters: WorkloadParameters
    /// The sweep's --quick: the callgrind child's op counts follow it, as the gate's do.
    var quick: Bool

    /// The sweeps searched, in order. The gate's first, so a point it has is profiled with the
    /// op counts `make compare`'s gate counts.
    static let sweeps: [[String]] = [["--preset", "gate", "--quick"], ["--preset", "default"], ["--preset", "quick", "--quick"]]

    /// The point `name` in the sweep `options` make when given, else in the presets (a --filter
    /// anchored on the whole name); nil when none holds it.
    static func find(_ name: String, options: [String]?) -> ProfilePoint? {
        let filter = "^" + escaped(name) + "$"
        for candidate in options.map({ [$0] }) ?? sweeps {
            let arguments = candidate + ["--filter", filter]
            if let command = try? RunCommand.parse(arguments), let plan = try? command.plan(), plan.points.count == 1 {
                return ProfilePoint(runArguments: ["run"] + arguments, parameters: plan.points[0], quick: command.quick)
            }
        }
        return nil
    }

    /// `name` as a regular expression matching only itself.
    static func escaped(_ name: String) -> String {
        var out = ""
        for c in name {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
