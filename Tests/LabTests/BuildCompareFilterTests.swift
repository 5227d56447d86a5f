import Testing
@testable import Lab

/// make compare's FILTER, VARIANT, ALIGN and API as one point-name regex: checked on names as
/// `fragbench list` prints them, so each list keeps exactly the points it names.
@Suite struct BuildCompareFilterTests {
    static let names = [
        "alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256",
        "alloc-free/page:4096/max:32768/fragsz:64/align:64/depth:256",
        "alloc-free/page:4096/max:32768/fragsz:64/align:1/api:local-free/depth:256",
        "alloc-only/page:4096/max:32768/fragsz:64/align:1/api:bulk",
        "alloc-only[v6.13]/page:4096/max:32768/fragsz:64/align:1",
        "alloc-only[v6.12]/page:4096/max:32768/fragsz:64/align:64",
        "alloc-free[offset-up]/page:65536/max:32768/fragsz:64/align:64/depth:256",
    ]

    func kept(_ filter: BuildCompareFilter) throws -> [String] {
        let regex = try Regex(try #require(filter.regex))
        return Self.names.filter { $0.contains(regex) }
    }

    @Test func nothingNarrowsWithoutSettings() {
        #expect(BuildCompareFilter().regex == nil)
        #expect(BuildCompareFilter(filter: "").regex == nil)
    }

    /// The regex compare.sh composed for these settings, character for character.
    @Test func allFourComposeAsLookaheads() throws {
        let filter = BuildCompareFilter(filter: "alloc-free", variants: ["remaining", "v6.13"], aligns: ["1", "64"], apis: ["kernel", "local-free"])
        #expect(filter.regex == #"^(?=[a-z-]+(?:/|\[(?:v6\.13)\]/))(?=.*/align:(?:1|64)(?:/|$))(?:(?!.*/api:)|(?=.*/api:(?:local-free)(?:/|$)))(?=.*?(?:alloc-free))"#)
        #expect(try kept(filter) == Array(Self.names[0...2]))
    }

    @Test func remainingIsTheNamesWithoutAVariant() throws {
        #expect(try kept(BuildCompareFilter(variants: ["remaining"])) == Array(Self.names[0...3]))
        #expect(try kept(BuildCompareFilter(variants: ["v6.13", "offset-up"])) == [Self.names[4], Self.names[6]])
        // The dot is literal: v6.13 does not match a v6x13.
        #expect(!"alloc-only[v6x13]/page:4096".contains(try Regex(try #require(BuildCompareFilter(variants: ["v6.13"]).regex))))
    }

    @Test func kernelIsTheNamesWithoutAnAPI() throws {
        #expect(try kept(BuildCompareFilter(apis: ["kernel"])) == [Self.names[0], Self.names[1], Self.names[4], Self.names[5], Self.names[6]])
        #expect(try kept(BuildCompareFilter(apis: ["bulk"])) == [Self.names[3]])
    }

    /// align:6 must not keep align:64: the part ends at / or at the end of the name.
    @Test func alignmentsMatchWholeParts() throws {
        #expect(try kept(BuildCompareFilter(aligns: ["64"])) == [Self.names[1], Self.names[5], Self.names[6]])
        #expect(try kept(BuildCompareFilter(aligns: ["1"], apis: ["bulk"])) == [Self.names[3]])
    }

    @Test func listsAcceptOnlyKnownWords() throws {
        #expect(try BuildCompareFilter.list("--align", "1,64", known: BuildCompareFilter.knownAligns, knownText: "") == ["1", "64"])
        for (text, known) in [("v9.9", BuildCompareFilter.knownVariants), ("3", BuildCompareFilter.knownAligns),
                              ("none", BuildCompareFilter.knownAPIs), ("1,,64", BuildCompareFilter.knownAligns)] {
            #expect(throws: ValidationFailure.self) { try BuildCompareFilter.list("--x", text, known: known, knownText: "") }
        }
        #expect(BuildCompareFilter.knownAligns.first == "1" && BuildCompareFilter.knownAligns.last == "65536")
    }
}
