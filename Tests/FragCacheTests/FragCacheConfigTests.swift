import Testing
@testable import FragCache

@Suite struct FragCacheConfigTests {
    @Test func defaultsMatchSpec() throws {
        let config = try FragCacheConfig()
        #expect(config.pageSize == 4096)
        #expect(config.maxSize == 32768)
        #expect(config.maxOrder == 3)
    }

    @Test(arguments: [4096, 16384, 65536])
    func everyOrderUpToTen(pageSize: Int) throws {
        for k in 0 ... 10 {
            let config = try FragCacheConfig(pageSize: pageSize, maxSize: pageSize << k)
            #expect(config.maxOrder == k)
            #expect(config.maxSize == pageSize << k)
        }
    }

    @Test func belowThePageSizeMeansThePageSize() throws {
        let config = try FragCacheConfig(pageSize: 65536, maxSize: 32768)
        #expect(config.maxSize == 65536)
        #expect(config.maxOrder == 0)
        #expect(try FragCacheConfig(pageSize: 4096, maxSize: 1).maxSize == 4096)
    }

    @Test func rejectsBadValues() {
        #expect(throws: FragCacheConfigError.invalidPageSize(8192)) { try FragCacheConfig(pageSize: 8192) }
        #expect(throws: FragCacheConfigError.invalidMaxSize(12288, pageSize: 4096)) {
            try FragCacheConfig(pageSize: 4096, maxSize: 12288)
        }
        #expect(throws: FragCacheConfigError.invalidMaxSize(4096 << 11, pageSize: 4096)) {
            try FragCacheConfig(pageSize: 4096, maxSize: 4096 << 11)
        }
        #expect(throws: FragCacheConfigError.invalidMaxSize(-1, pageSize: 4096)) {
            try FragCacheConfig(pageSize: 4096, maxSize: -1)
        }
    }
}
