import Foundation

/// The files the server may read: the paths given on the command line, resolved once (symlinks
/// included) at start. A request names a root by index and a path inside it; the path is decoded,
/// checked component by component, resolved again through the file system and served only if it
/// still lies inside the root, so `..`, `%2e%2e%2f`, absolute paths and symlinks that lead out are
/// all refused.
public struct ServedRoots: Sendable {
    /// One root: a directory or a single file, by its resolved path.
    public struct Root: Sendable, Equatable {
        public let path: String
        public let isDirectory: Bool
    }

    public let roots: [Root]

    /// The roots for `paths` (each must exist).
    public init(_ paths: [String]) throws(ServeError) {
        var roots: [Root] = []
        for path in paths {
            guard let real = Self.realPath(path) else { throw .notFound("\(path): no such file or directory") }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory)
            roots.append(Root(path: real, isDirectory: isDirectory.boolValue))
        }
        self.roots = roots
    }

    /// The resolved path of `path` (symlinks followed), or nil if it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` (already resolved) is `root` or lies under it.
    static func contains(_ root: Root, _ path: String) -> Bool {
        if path == root.path { return true }
        guard root.isDirectory else { return false }
        return path.hasPrefix(root.path.hasSuffix("/") ? root.path : root.path + "/")
    }

    /// The index of the root that holds `path` (resolved), if any.
    func rootIndex(holding path: String) -> Int? {
        guard let real = Self.realPath(path) else { return nil }
        return roots.firstIndex { Self.contains($0, real) }
    }

    /// Whether `path` resolves to somewhere inside one of the roots.
    public func allows(_ path: String) -> Bool { rootIndex(holding: path) != nil }

    /// The resolved file for `relative` (percent-encoded, as it came in the URL) under root `index`.
    ///
    /// - Throws: 400 for an undecodable path or a `..`, `.` or empty component (an absolute path
    ///   starts with one), 403 when the file resolves outside the root, 404 when it does not exist.
    public func resolve(root index: Int, relative: String) throws(ServeError) -> String {
        guard roots.indices.contains(index) else { throw .notFound("no served root \(index)") }
        let root = roots[index]
        guard let decoded = relative.removingPercentEncoding else { throw .badRequest("the path is not valid percent-encoding") }
        // Decoding twice catches a doubly encoded `%252e%252e`: nothing served needs a literal '%'.
        guard !decoded.contains("%"), !decoded.contains("\0"), !decoded.contains("\\") else {
            throw .badRequest("the path contains '%', '\\' or NUL", code: "bad_path")
        }
        if decoded.isEmpty {
            if root.isDirectory { throw .badRequest("the path names a directory", code: "bad_path") }
            return root.path
        }
        let parts = decoded.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts where part.isEmpty || part == "." || part == ".." {
            throw .badRequest("the path may not be absolute or contain '.', '..' or empty components", code: "bad_path")
        }
        guard root.isDirectory else { throw .notFound("root \(index) is a single file") }
        let joined = root.path + "/" + decoded
        guard let real = Self.realPath(joined) else { throw .notFound("\(decoded): no such file in root \(index)") }
        guard Self.contains(root, real) else { throw .forbidden("\(decoded) leads outside the served folder") }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory)
        if isDirectory.boolValue { throw .badRequest("the path names a directory", code: "bad_path") }
        return real
    }
}
