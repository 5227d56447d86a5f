/// A configuration travels between processes (a point's description, `PointSpec`) as its two
/// inputs; decoding goes through the checking initialiser, so a hostile file yields an error,
/// never a configuration the cache would trap on.
extension FragCacheConfig: Codable {
    private enum CodingKeys: String, CodingKey { case pageSize, maxSize }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(pageSize: c.decode(Int.self, forKey: .pageSize), maxSize: c.decode(Int.self, forKey: .maxSize))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pageSize, forKey: .pageSize)
        try c.encode(maxSize, forKey: .maxSize)
    }
}
