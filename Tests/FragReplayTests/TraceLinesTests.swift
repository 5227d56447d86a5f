import Foundation
import Testing
@testable import FragReplay

/// The line reader, in memory and streamed from a file in chunks of every small size: the same
/// lines, a byte order mark dropped only at the start, long lines refused with their number.
@Suite struct TraceLinesTests {
    typealias Line = (number: Int, line: Result<String, TraceLineError>)

    func collect(_ lines: TraceLines) -> [String] {
        lines.map { item in
            switch item.line {
            case .success(let text): return "\(item.number):\(text)"
            case .failure(let error): return "\(item.number)!\(error)"
            }
        }
    }

    func file(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "tracelines-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let inputs: [[UInt8]] = [
        [],
        Array("\n".utf8),
        Array("alloc a 64\nfree a".utf8),
        Array("alloc a 64\r\n\nfree a\n".utf8),
        [0xEF, 0xBB, 0xBF] + Array("drain\n".utf8),
        [0xEF, 0xBB],
        Array("drain\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("drain\n".utf8),
        Array("a\n".utf8) + [0xFF, 0x0A] + Array("b\n".utf8),
        Array("short\n".utf8) + Array(repeating: 0x41, count: 40) + Array("\nafter\n".utf8),
        Array(repeating: 0x41, count: 32) + Array("\n".utf8),
        Array(repeating: 0x41, count: 33),
    ]

    @Test(arguments: inputs.indices)
    func streamedEqualsInMemoryForEveryChunkSize(index: Int) throws {
        let bytes = Self.inputs[index]
        let expected = collect(TraceLines(bytes, maxLineBytes: 32))
        let path = try file(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for chunk in 1 ... 40 {
            let streamed = try TraceLines.open(path: path, maxLineBytes: 32, chunkBytes: chunk).get()
            #expect(collect(streamed) == expected, "chunk \(chunk)")
        }
    }

    @Test func linesAsSpecFiveReadsThem() {
        #expect(collect(TraceLines(Array("alloc a 64\n\nfree a".utf8))) == ["1:alloc a 64", "2:", "3:free a"])
        #expect(collect(TraceLines([0xEF, 0xBB, 0xBF] + Array("drain".utf8))) == ["1:drain"])
        #expect(collect(TraceLines(Array("a\n".utf8) + [0xC3] + Array("\nb".utf8)))
            == ["1:a", "2!the line is not valid UTF-8 text"])
    }

    @Test func aLineBeyondTheLimitEndsTheSequenceWithItsNumber() {
        let bytes = Array("ok\n".utf8) + Array(repeating: 0x41, count: 33) + Array("\nnever\n".utf8)
        #expect(collect(TraceLines(bytes, maxLineBytes: 32)) == ["1:ok", "2!line longer than 32 bytes"])
        #expect(collect(TraceLines(Array(repeating: 0x41, count: 32), maxLineBytes: 32)).count == 1)
    }

    @Test func devZeroEndsWithTheLineLengthError() throws {
        let lines = try TraceLines.open(path: "/dev/zero").get()
        #expect(collect(lines) == ["1!line longer than \(TraceLines.maxLineBytes) bytes"])
    }

    @Test func openRefusesDirectoriesAndMissingFiles() {
        #expect(throws: FileReadError.isDirectory) { try TraceLines.open(path: "/").get() }
        #expect(throws: FileReadError.system("No such file or directory")) {
            try TraceLines.open(path: "/nonexistent/trace").get()
        }
    }
}
