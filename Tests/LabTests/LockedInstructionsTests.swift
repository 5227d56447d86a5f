import Testing
@testable import Lab

@Suite struct LockedInstructionsTests {
    /// objdump -d --no-show-raw-insn lines as binutils 2.40 prints them: locked RMWs with the
    /// prefix, xchg with memory (locked without one), and what is not locked.
    @Test func lockPrefixesAndXchgWithMemoryAreFoundAndNothingElse() {
        let text = """

        fragbench:     file format elf64-x86-64

        Disassembly of section .text:

        000000000021d9d0 <$s9FragCache9PageArenaV10allocPages>:
          21d9d0:\tpush   %rbp
          21da0b:\tlock cmpxchg %ecx,0x0(%r13)
          21da11:\tjne    21da58 <$s9FragCache9PageArenaV10allocPages+0x88>
          21daa5:\tmovl   $0x0,0x0(%r13)
          315a22:\tlock decq (%rcx,%r8,8)
          8dca2:\txchg   %eax,(%rdi)
          21d84e:\txchg   %ax,%ax
          21d84f:\tcmpxchg %edx,(%rdi)
        """
        #expect(LockedInstructions.parse(text) == [0x21da0b, 0x315a22, 0x8dca2])
    }

    @Test func aMissingObjectIsAnErrorNotAnEmptySet() {
        if case .success = LockedInstructions.addresses(in: "/nonexistent/fragbench-object") {
            Issue.record("a missing object must not read as one with no locked instructions")
        }
    }
}
