/// A finished command's exit status other than 0, thrown by the engine so that it needs no
/// command-line library: `fragbench`'s entry point turns it into the process's status (1: a
/// failure already reported, 2: a regression, 130: interrupted).
package struct ExitStatus: Error, Equatable, CustomStringConvertible {
    package let code: Int32
    package init(_ code: Int32) { self.code = code }
    package var description: String { "exit status \(code)" }
}
