import Foundation
import Testing
@testable import FragBench

/// Hostile values for every option of every command, through the real binary (ArgumentParser,
/// validate() and the one-line error in FragBench.main): none may trap; each is refused with
/// exit 64 and one line naming the option and what is wrong with the value. No
/// --allow-debug: a value wrongly accepted ends the debug binary at once (exit 1, "debug
/// build") instead of measuring.
@Suite struct OptionValuesTests {
    let runner = RunCommandTests()

    static let cases: [(arguments: [String], message: String)] = [
        // run: numbers
        (["run", "--min-sample-ms", "1e14"], "--min-sample-ms '1e14': must be above 0 and at most 3600000"),
        (["run", "--min-sample-ms", "inf"], "--min-sample-ms 'inf': not a finite number"),
        (["run", "--min-sample-ms", "1e300"], "--min-sample-ms '1e300': must be above 0"),
        (["run", "--min-sample-ms", "nan"], "--min-sample-ms 'nan': not a finite number"),
        (["run", "--min-sample-ms", "-1"], "--min-sample-ms '-1': must be above 0"),
        (["run", "--min-sample-ms", "0"], "--min-sample-ms '0': must be above 0"),
        (["run", "--min-sample-ms", ""], "--min-sample-ms '': empty value"),
        (["run", "--min-sample-ms=-5"], "--min-sample-ms '-5': must be above 0"),
        (["run", "--depth", "-1"], "--depth '-1': must be between 1 and"),
        (["run", "--depth", "99999999999999999999"], "--depth '99999999999999999999': must be between 1 and"),
        (["run", "--depth", ""], "--depth '': empty value"),
        (["run", "--depth", "1e3"], "--depth '1e3': expected a whole number"),
        (["run", "--count", "0"], "--count '0': must be between 1 and"),
        (["run", "--count", "nan"], "--count 'nan': expected a whole number"),
        (["run", "--push-cpu", "-1"], "--push-cpu '-1': must be between 0 and 1023"),
        (["run", "--workload", "cross-thread", "--push-cpu", "99"], "pushCPU 99 does not exist"),
        (["run", "--pop-cpu", "-5"], "--pop-cpu '-5': must be between 0 and 1023"),
        (["run", "--pop-cpu", ","], "--pop-cpu ',': expected a whole number"),
        (["run", "--pressure-fraction", "nan"], "--pressure-fraction 'nan': not a finite number"),
        (["run", "--pressure-fraction", "-0.5"], "--pressure-fraction '-0.5': must be at least 0 and at most 1"),
        (["run", "--pressure-fraction", "inf"], "--pressure-fraction 'inf': not a finite number"),
        (["run", "--pressure-order", "-1"], "--pressure-order '-1': must be between 0 and 9"),
        (["run", "--pressure-order", "10"], "--pressure-order '10': must be between 0 and 9"),
        (["run", "--seed", "-1"], "--seed '-1': expected a whole number from 0 to"),
        (["run", "--seed", "99999999999999999999999"], "--seed '99999999999999999999999': too large"),
        (["run", "--seed", ""], "--seed '': expected a whole number"),
        (["run", "--samples", "0"], "--samples '0': must be between 1 and 100000"),
        (["run", "--samples", "-3"], "--samples '-3': must be between 1 and 100000"),
        (["run", "--samples", "1000000000"], "--samples '1000000000': must be between 1 and 100000"),
        (["run", "--cpu", "-1"], "--cpu '-1': must be between 0 and 1023"),
        (["run", "--cpu", "99"], "--cpu 99 is not a CPU this process may run on"),
        (["run", "--cpu", ""], "--cpu '': empty value"),
        // run: sizes and lists
        (["run", "--fragsz", ""], "--fragsz '': empty value"),
        (["run", "--fragsz", ","], "--fragsz '': empty value"),
        (["run", "--fragsz", "-4K"], "--fragsz '-4K': expected a number with an optional K, M or G suffix"),
        (["run", "--fragsz", "0"], "--fragsz 0 must be at least 1"),
        (["run", "--fragsz", "99999999999999999999"], "--fragsz '99999999999999999999': too large"),
        (["run", "--fragsz", "nan"], "--fragsz 'nan': expected a number"),
        (["run", "--align", "-1"], "--align '-1': expected a number"),
        (["run", "--align", "0"], "--align 0 is not a power of two"),
        (["run", "--align", " , "], "--align ' ': empty value"),
        (["run", "--max-size", "-4K"], "--max-size '-4K': expected a number with an optional K, M or G suffix"),
        (["run", "--max-size=-4K"], "--max-size '-4K': expected a number"),
        (["run", "--max-size", "99999999999999G"], "--max-size '99999999999999G': too large"),
        (["run", "--max-size", ""], "--max-size '': empty value"),
        (["run", "--page-size", "-4K"], "--page-size '-4K': expected a number"),
        (["run", "--page-size", "0"], "--page-size 0 is not one of 4K, 16K, 64K"),
        (["run", "--arena", ""], "--arena '': empty value"),
        (["run", "--arena", "-1"], "--arena '-1': expected a number"),
        (["run", "--arena", "4G,8G"], "--arena '4G,8G': expected one size, not a list"),
        (["run", "--arena", "4000G"], "--arena '4000G': too large"),
        (["run", "--arena", "1000G"], "--arena 1073741824000 bytes does not fit in memory"),
        (["run", "--workload", ""], "--workload is empty"),
        (["run", "--workload", ","], "--workload is empty"),
        (["run", "--impl", ","], "--impl is empty"),
        (["run", "--impl", "-x"], "--impl '-x' is not one of"),
        (["run", "--variant", ""], "--variant is empty"),
        (["run", "--workload", "--quick"], "--workload '--quick' is not one of"),
        (["run", "--preset", ""], "--preset '' is not one of"),
        (["run", "--distribution", ""], "--distribution unknown size distribution ''"),
        (["run", "--distribution", "histogram:/nonexistent"], "--distribution"),
        (["run", "--workload", "mixed", "--distribution", "uniform:0-0"], "--distribution size distribution 'uniform:0-0': need 1 <= MIN <= MAX"),
        (["run", "--workload", "replay", "--trace", "/nonexistent"], "--trace /nonexistent: No such file or directory"),
        (["run", "--workload", "replay", "--trace", "/"], "--trace /: is a directory"),
        (["run", "--trace", ""], "--trace '': empty value"),
        (["run", "--counters", ""], "--counters '' is not one of"),
        (["run", "--output", ""], "--output '': empty value"),
        // peers
        (["peers", "--against", ":"], "--against ':': '' is not one of"),
        (["peers", "--against", "c,:"], "--against ':': '' is not one of"),
        (["peers", "--against", ""], "--against is empty"),
        (["peers", "--against", "c:"], "--against 'c:': '' is not one of remaining"),
        (["peers", "--against", "c:x:y"], "--against 'c:x:y': expected IMPL, IMPL:VARIANT or swift:API"),
        (["peers", "--fragsz", "0"], "--fragsz 0: fragsz 0 must be at least 1"),
        (["peers", "--fragsz", ","], "--fragsz '': empty value"),
        (["peers", "--fragsz", "-64"], "--fragsz '-64': expected a number"),
        (["peers", "--count", "0"], "--count '0': must be between 1 and"),
        (["peers", "--budget", "0"], "--budget '0': must be"),
        (["peers", "--budget", "-1"], "--budget '-1': "),
        (["peers", "--threshold", "nan"], "--threshold 'nan': "),
        (["peers", "--arena", "x"], "--arena"),
        (["peers", "--workload", ""], "--workload is empty"),
        (["peers", "--workload", ","], "--workload '' is not one of"),
        (["peers", "--output", ""], "--output '': empty value"),
        // compare
        (["compare", "--base-runs", "", "--head-runs", ""], "--base-runs is empty"),
        (["compare", "--base-runs", ",", "--head-runs", ","], "--base-runs ',': item 1 is empty"),
        (["compare", "--base-runs", "a", "--head-runs", "a,"], "--head-runs 'a,': item 2 is empty"),
        (["compare", "--base-runs", "a,b", "--head-runs", "c"], "--base-runs has 2 runs, --head-runs 1"),
        (["compare", "", ""], "<base> is an empty path"),
        (["compare", "a", "b", "--threshold", "inf"], "--threshold 'inf': not a finite number"),
        (["compare", "a", "b", "--threshold", "nan"], "--threshold 'nan': not a finite number"),
        (["compare", "a", "b", "--threshold", "-1"], "--threshold '-1': must be at least 0"),
        (["compare", "a", "b", "--metric", ""], "--metric must be time or instructions"),
        (["compare", "a", "b", "--output", ""], "--output '': empty value"),
        // tune
        (["tune", "--min-sample-ms", "inf"], "--min-sample-ms 'inf': not a finite number"),
        (["tune", "--min-sample-ms", "-1"], "--min-sample-ms '-1': must be above 0"),
        (["tune", "--memory-slack", "nan"], "--memory-slack 'nan': not a finite number"),
        (["tune", "--memory-slack", "-1"], "--memory-slack '-1': must be at least 0"),
        (["tune", "--samples", "0"], "--samples '0': must be between 1 and"),
        (["tune", "--workload", ""], "--workload is empty"),
        (["tune", "--workload", ","], "--workload '' is not one of"),
        (["tune", "--page-size", "-4K"], "--page-size '-4K': expected a number"),
        (["tune", "--page-size", "8K"], "--page-size 8192 is not one of 4K, 16K, 64K"),
        (["tune", "--max-size", ""], "--max-size '': empty value"),
        (["tune", "--max-size", "1K"], "--max-size 1K: every max size is below every page size"),
        (["tune", "--counters", ""], "--counters '' is not one of"),
        (["tune", "--objective", ""], "--objective must be fastest-within, fastest or smallest"),
        (["tune", "--output", ""], "--output '': empty value"),
        (["tune", "--from", ""], "--from '': empty value"),
        // pair (its own range checks; negative values reach them)
        (["pair", "--base", "/bin/true", "--head", "/bin/true", "--cpu", "-1"], "--cpu '-1': must be between 0 and 1023"),
        (["worker", "--cpu", "1024"], "--cpu '1024': must be between 0 and 1023"),  // the same --cpu as run and pair
        (["pair", "--base", "/bin/true", "--head", "/bin/true", "--threshold", "nan"], "--threshold must be within 0..<100"),
        (["pair", "--base", "/bin/true", "--head", "/bin/true", "--min-pairs", "-6"], "--min-pairs must be within 6...1000000"),
        (["pair", "--base", "", "--head", "/bin/true"], "--base '' is not an executable file"),
        // replay
        (["replay", "--variant", "", "/dev/null"], "--variant '' is not one of remaining, offset-up, offset-down"),
        (["replay", "--variant", "x\u{1}", "/dev/null"], "--variant 'x\\u{1}' is not one of"),
    ]

    @Test(arguments: cases)
    func hostileValueIsOneLineUsageError(arguments: [String], message: String) throws {
        let result = try runner.run(arguments)
        #expect(result.status == 64, "\(arguments): status \(result.status), stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: "), "\(arguments): \(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(arguments): not one line: \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// The hidden commands that read a point or a plan from a file refuse a missing or damaged
    /// one with a reason, and measure nothing.
    @Test func aMissingOrDamagedDescriptionIsRefused() throws {
        let damaged = NSTemporaryDirectory() + "fragbench-damaged-\(UUID().uuidString).json"
        try "{\"format\": 1, \"name\": \"x\", \"parameters\": {\"kind\": \"alloc-only\"}}".write(toFile: damaged, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: damaged) }
        for (arguments, message) in [
            (["callgrind-child", "--point", "/nonexistent/point.json", "--result", "/tmp/r"], "cannot read the point description /nonexistent/point.json"),
            (["callgrind-child", "--point", damaged, "--result", "/tmp/r"], "not a point description"),
            (["visit", "--plan", "/nonexistent/plan.json"], "cannot read the visit plan /nonexistent/plan.json"),
            (["visit", "--plan", damaged], "not a visit plan"),
        ] {
            let result = try runner.run(arguments)
            #expect(result.status == 1, "\(arguments): status \(result.status), stderr: \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func aHugeValueIsCutAndControlCharactersEscaped() throws {
        let huge = String(repeating: "9", count: 100_000) + "\u{0}\n"
        let result = try runner.run(["run", "--depth", huge])
        #expect(result.status == 64)
        #expect(result.stderr.count < 300, "\(result.stderr.prefix(400))")
        #expect(result.stderr.hasPrefix("Error: --depth '9999"))
        #expect(result.stderr.contains("…': must be between 1 and"))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test func parsersSayWhatIsWrong() throws {
        #expect(throws: Never.self) { try OptionValues.integer(1 ... 5)("5") }
        #expect(try OptionValues.integer(1 ... 5)(" 3 ") == 3)
        #expect(try OptionValues.decimal(0 ... 1)("0.5") == 0.5)
        #expect(try OptionValues.seed("18446744073709551615") == UInt64.max)
        #expect(throws: OptionValueError.self) { try OptionValues.integer(1 ... 5)("+") }
        #expect(throws: OptionValueError.self) { try OptionValues.decimal(0 ... 1, excludingLower: true)("0") }
        #expect(throws: OptionValueError.self) { try OptionValues.decimal(0 ... 1)("-inf") }
        #expect(throws: OptionValueError.self) { try OptionValues.nonEmpty("  ") }
    }

    @Test func argumentParserMessagesBecomeOptionFirst() {
        #expect(UsageErrorText.oneLine("The value '-1' is invalid for '--cpu <cpu>': must be between 0 and 1023")
            == "--cpu '-1': must be between 0 and 1023")
        #expect(UsageErrorText.oneLine("--workload is empty") == "--workload is empty")
        #expect(UsageErrorText.oneLine("a\nb") == "a\\nb")
        #expect(UsageErrorText.helpPointer("Error: x\nUsage: y\n  See 'fragbench run --help' for more information.")
            == " (see 'fragbench run --help')")
    }
}
