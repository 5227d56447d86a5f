#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Debian's libjemalloc.so.2 uses initial-exec TLS, so `dlopen` fails with "cannot allocate
/// memory in static TLS block" unless glibc reserved enough surplus static TLS at start-up.
/// That can only be asked for before the process starts (the `glibc.rtld.optional_static_tls`
/// tunable), so a command that will load jemalloc re-executes itself once with it set.
package enum StaticTLS {
    package static let tunable = "glibc.rtld.optional_static_tls=65536"

    /// Re-executes this process with the tunable unless it is already set; returns only when
    /// nothing needed doing (or the re-exec failed, in which case jemalloc reports itself as
    /// unavailable with the reason).
    package static func ensureForJemalloc() {
        let current = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] ?? ""
        guard !current.contains("optional_static_tls") else { return }
        let value = current.isEmpty ? tunable : current + ":" + tunable
        setenv("GLIBC_TUNABLES", value, 1)
        guard let path = Bundle.main.executablePath ?? CommandLine.arguments.first else { return }
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        execv(path, argv)
        // Only reached if execv failed: carry on; jemalloc's rows will say why it is missing.
    }
}
