#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `x` with `digits` decimals, rounded as printf's %.*f rounds (the exact binary value, so
/// 1.2345 prints 1.234: the double is just below the half), locale-independent and without
/// Foundation: the lab's one number formatter (BenchReport's `NumberFormat.fixed` is this with
/// nil and non-finite values left empty). A negative value that rounds to zero prints as zero.
public func formatFixed(_ x: Double, digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    let digits = Int32(min(max(0, digits), 30))
    // %.30f of the largest double is about 340 characters.
    var buffer = [CChar](repeating: 0, count: 400)
    let written = buffer.withUnsafeMutableBufferPointer { b in
        withVaList([digits, x]) { vsnprintf(b.baseAddress, b.count, "%.*f", $0) }
    }
    guard written > 0 else { return "\(x)" }
    let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
    return text
}
