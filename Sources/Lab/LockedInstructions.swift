import Measure

/// Which instructions of an object file are locked read-modify-writes: an instruction with a
/// `lock` prefix, or `xchg` with a memory operand (locked without the prefix). Each costs a
/// CPU tens of cycles on some machines and a few on others (`AtomicCalibration`), and the
/// page_frag design exists to spend few of them, so a profile counts how many a point executes:
/// callgrind's executed count at each such address, read off `objdump -d`
/// (`ProfileReport.lockedMethod` says so to the reader).
package enum LockedInstructions {
    /// The addresses of `object`'s locked instructions, or why they cannot be read.
    package static func addresses(in object: String) -> Result<Set<UInt64>, ValidationFailure> {
        guard let objdump = findExecutable("objdump") else {
            return .failure(ValidationFailure("objdump is not on PATH (Debian's binutils)"))
        }
        guard let text = ProfileSymbols.run(objdump, ["-d", "--no-show-raw-insn", object], input: "") else {
            return .failure(ValidationFailure("objdump -d \(object) failed"))
        }
        return .success(parse(text))
    }

    /// The locked instructions' addresses in `objdump -d --no-show-raw-insn` output, whose
    /// instruction lines read "  21da0b:\tlock cmpxchg %ecx,0x0(%r13)".
    package static func parse(_ disassembly: String) -> Set<UInt64> {
        var found: Set<UInt64> = []
        for line in disassembly.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let address = line[..<colon].drop { $0 == " " }
            guard !address.isEmpty, let value = UInt64(address, radix: 16) else { continue }
            let instruction = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            if isLocked(instruction) { found.insert(value) }
        }
        return found
    }

    /// "lock cmpxchg …", "lock xadd …", "xchg %eax,(%rdi)"; not "xchg %ax,%ax" (a no-op filler).
    static func isLocked(_ instruction: Substring) -> Bool {
        let words = instruction.split(separator: " ", maxSplits: 1)
        guard let mnemonic = words.first else { return false }
        if mnemonic == "lock" { return true }
        if mnemonic.hasPrefix("xchg"), words.count > 1 { return words[1].contains("(") }
        return false
    }
}
