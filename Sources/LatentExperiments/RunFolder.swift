import Foundation
import LatentIO
import LatentNN

/// A run's output folder: made on demand, holding `run.json` (the settings, so `--resume DIR`
/// needs no other flag), checkpoints, `metrics.json` and pictures.
public struct RunFolder: Sendable {
    /// The folder's path.
    public let path: String

    /// `path`, created if missing; nil makes `runs/<name>-<yyyyMMdd-HHmmss>`.
    public init(_ path: String?, name: String) throws {
        try self.init(chosen: path ?? Self.defaultPath(in: "runs", name: name))
    }

    /// The output folder of a command run on a saved model: `path`, or by default a new
    /// `<name>-<yyyyMMdd-HHmmss>` beside the model file (in its run folder), so what was made from
    /// a model stays with it and never overwrites the training run's own files.
    public init(_ path: String?, besideModel model: String, name: String) throws {
        let parent = (model as NSString).deletingLastPathComponent
        try self.init(chosen: path ?? Self.defaultPath(in: parent.isEmpty ? "." : parent, name: name))
    }

    /// `<parent>/<name>-<yyyyMMdd-HHmmss>`: the one default naming of every command's output.
    static func defaultPath(in parent: String, name: String) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd-HHmmss"
        return "\(parent)/\(name)-\(f.string(from: Date()))"
    }

    private init(chosen: String) throws {
        let existed = FileManager.default.fileExists(atPath: chosen)
        do {
            try FileManager.default.createDirectory(atPath: chosen, withIntermediateDirectories: true)
            if !existed { Self.created.append(chosen) }
        } catch {
            throw ExperimentError("\(chosen): cannot create output directory: \(Self.whyNotCreatable(chosen) ?? "\(error.localizedDescription)")")
        }
        self.path = chosen
    }

    /// Why `path` cannot be made a folder, in words: the first of its ancestors (or itself) that
    /// exists but is not a folder, or a folder it may not write into.
    static func whyNotCreatable(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) else {
                let parent = String(prefix[..<(prefix.lastIndex(of: "/") ?? prefix.startIndex)])
                return FileManager.default.isWritableFile(atPath: parent.isEmpty ? "/" : parent)
                    ? nil : "no permission to write in \(parent.isEmpty ? "/" : parent)"
            }
            if !isDirectory.boolValue { return "\(prefix.hasPrefix("./") ? String(prefix.dropFirst(2)) : prefix) is a file, not a folder" }
        }
        return nil
    }

    /// A file in the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// A subfolder, created if missing. A symbolic link in its place is replaced by a real folder,
    /// never followed: a run writes inside its own folder only (as file names' links are replaced
    /// by atomic writes).
    public func subfolder(_ name: String) throws -> RunFolder {
        let sub = path + "/" + name
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: sub)) != nil {
            do { try FileManager.default.removeItem(atPath: sub) } catch {
                throw ExperimentError("\(sub): cannot replace the symbolic link with a folder: \(error.localizedDescription)")
            }
        }
        return try RunFolder(sub, name: name)
    }

    /// The user-facing model file.
    public var modelPath: String { file("model.safetensors") }

    nonisolated(unsafe) private static var scratch: [String] = []

    /// The folder a rank other than 0 of a data-parallel run writes into instead of the run's:
    /// private, temporary, removed by `removeScratchFolders` at exit. Only rank 0 writes the run.
    public static func scratch(rank: Int) throws -> RunFolder {
        removeOrphanedScratchFolders()
        let path = NSTemporaryDirectory() + "latent-rank\(rank)-\(ProcessInfo.processInfo.processIdentifier)"
        scratch.append(path)
        return try RunFolder(path, name: "scratch")
    }

    /// Removes scratch folders left by ranks that were killed (their process no longer exists).
    static func removeOrphanedScratchFolders() {
        let fm = FileManager.default, temporary = NSTemporaryDirectory()
        for name in (try? fm.contentsOfDirectory(atPath: temporary)) ?? [] where name.hasPrefix("latent-rank") {
            guard let pid = name.split(separator: "-").last.flatMap({ Int32($0) }), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? fm.removeItem(atPath: temporary + name) }
        }
    }

    /// Removes the scratch folders this process made.
    public static func removeScratchFolders() {
        for path in scratch { try? FileManager.default.removeItem(atPath: path) }
        scratch = []
    }

    nonisolated(unsafe) private static var fresh: [(path: String, created: Bool)] = []

    /// Every folder this process created, for `removeFailedFreshRuns`.
    nonisolated(unsafe) private static var created: [String] = []

    /// After a failure: removes what fresh runs of this process wrote before failing, when that is
    /// only their `run.json` (and the folder, if this process made it). A run that failed later
    /// keeps its files: a checkpoint there can be resumed.
    public static func removeFailedFreshRuns() {
        releaseLocks()
        let fm = FileManager.default
        // Folders this process made and left empty (a command that failed before writing).
        for path in created.reversed() where (try? fm.contentsOfDirectory(atPath: path))?.isEmpty == true {
            try? fm.removeItem(atPath: path)
        }
        created = []
        for run in fresh {
            guard let contents = try? fm.contentsOfDirectory(atPath: run.path), contents == ["run.json"] else { continue }
            try? fm.removeItem(atPath: run.path + "/run.json")
            if run.created { try? fm.removeItem(atPath: run.path) }
        }
        fresh = []
    }

    /// Notes a fresh run's folder for `removeFailedFreshRuns`.
    static func noteFresh(_ path: String, created: Bool) { fresh.append((path, created)) }

    nonisolated(unsafe) private static var locks: [String] = []

    /// The file that says which process owns a run folder.
    public static let lockName = ".lock"

    /// Makes this process the only writer of the run in `path`: creates `path/.lock` holding this
    /// process's id. A lock held by a live process is an error naming it; one left by a process
    /// that no longer exists (killed) is taken over. `releaseLocks` removes it at exit.
    public func lock() throws {
        let lockPath = file(Self.lockName)
        let me = ProcessInfo.processInfo.processIdentifier
        for _ in 0..<2 {
            let fd = open(lockPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let text = "\(me)\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                Self.locks.append(lockPath)
                removeLeftoverTemporaries()
                return
            }
            guard errno == EEXIST else {
                throw ExperimentError("\(lockPath): cannot lock the run folder: \(String(cString: strerror(errno)))")
            }
            let owner = (try? String(contentsOfFile: lockPath, encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, owner > 0, owner != me, Self.isRunning(owner) {
                throw ExperimentError("\(path): in use by another run (process \(owner), see \(Self.lockName)); wait for it to end, or choose another --out")
            }
            // Left by a dead process (or unreadable): take it over.
            try? FileManager.default.removeItem(atPath: lockPath)
        }
        throw ExperimentError("\(lockPath): another process took the run folder while this one started")
    }

    /// Whether process `pid` exists and has not exited. A killed process whose parent has not
    /// reaped it (a zombie: in containers whose first process reaps nothing, they stay) still
    /// answers `kill(pid, 0)`, but holds nothing: its state in /proc says so.
    static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// Removes the temporary files of atomic writes that a killed process left in the folder and
    /// its subfolders (`.name.tmp-XXXXXX`, see `AtomicFile`). Only the folder's owner calls it, so
    /// no other process is writing them.
    func removeLeftoverTemporaries() {
        let fm = FileManager.default
        var folders = [path]
        for name in (try? fm.contentsOfDirectory(atPath: path)) ?? [] {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: file(name), isDirectory: &isDirectory), isDirectory.boolValue { folders.append(file(name)) }
        }
        for folder in folders {
            for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where AtomicFile.isTemporaryName(name) {
                try? fm.removeItem(atPath: folder + "/" + name)
            }
        }
    }

    /// Removes the locks this process holds (at every exit, normal or not).
    public static func releaseLocks() {
        for path in locks { try? FileManager.default.removeItem(atPath: path) }
        locks = []
    }
}

/// Settings saved as `run.json` in a run folder, so a run can be resumed from the folder alone.
public protocol RunSettingsFile: Codable {
    /// The command that makes such runs (`"train classifier"`), for messages.
    static var command: String { get }
}

/// The version of `run.json`'s layout. 1 (no `format_version` key): Swift's own key names
/// (camelCase) and enum form; 2: snake_case keys, enums as plain fields. Both are read.
public let runSettingsFormatVersion = 2

/// Settings with the format version beside them, in one JSON object.
private struct VersionedSettings<Settings: Encodable>: Encodable {
    let settings: Settings
    enum Keys: String, CodingKey { case formatVersion }
    func encode(to encoder: Encoder) throws {
        try settings.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(runSettingsFormatVersion, forKey: .formatVersion)
    }
}

extension RunSettingsFile {
    /// Writes `run.json` into `folder`, atomically: snake_case keys and a `format_version`, like
    /// `metrics.json`, so `json.load(open("run.json"))` reads it as it reads.
    public func write(to folder: RunFolder) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try AtomicFile.write(String(decoding: try encoder.encode(VersionedSettings(settings: self)), as: UTF8.self),
                             to: folder.file("run.json"))
    }

    /// Decodes `run.json`'s bytes in either format version (see `runSettingsFormatVersion`).
    static func decode(_ data: Data) throws -> Self {
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        let decoder = JSONDecoder()
        if let version = object?["format_version"] as? Int {
            guard version <= runSettingsFormatVersion else {
                throw ExperimentError("format version \(version) is newer than this latent reads (\(runSettingsFormatVersion)); update latent")
            }
            decoder.keyDecodingStrategy = .convertFromSnakeCase
        }
        return try decoder.decode(Self.self, from: data)
    }

    /// Reads the settings of a run made by `latent <command>` from `runDirectory`.
    public static func read(runDirectory: String) throws -> Self {
        let path = runDirectory + "/run.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError("\(path): missing; --resume needs a run folder made by `latent \(command)`")
        }
        do { return try decode(data) } catch let error as ExperimentError {
            throw ExperimentError("\(path): \(error.description)")
        } catch let error as DecodingError {
            throw ExperimentError("\(path): not a run of `latent \(command)` (\(Self.reason(error)))")
        } catch {
            throw ExperimentError("\(path): not a run of `latent \(command)`: \(error)")
        }
    }

    /// Whether `flag` (`--lr`, `--latent`, `--train-limit`) plausibly sets the setting at `key`
    /// (`training.learningRate`, `model.latentSize`, `data.trainLimit`): the same name, a prefix or
    /// suffix of it, or its initials.
    static func flag(_ flag: String, names key: String) -> Bool {
        let typed = flag.drop { $0 == "-" }.filter { $0 != "-" }.lowercased()
        let field = String(key.split(separator: ".").last ?? "")
        let name = field.lowercased()
        let initials = String(field.enumerated().filter { $0.offset == 0 || $0.element.isUppercase }.map(\.element)).lowercased()
        return !typed.isEmpty && (name == typed || name.hasPrefix(typed) || name.hasSuffix(typed) || initials == typed)
    }

    /// `settings` as a JSON object tree (non-finite floats as "inf", "-inf", "nan").
    private static func jsonObject(_ settings: Self) throws -> Any {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try JSONSerialization.jsonObject(with: encoder.encode(settings))
    }

    /// The settings where `run` differs from `flags` (every setting when `flags` is nil), with
    /// the run's value as JSON, sorted by key.
    static func differences(run: Self, flags: Self?) throws -> [(key: String, runValue: String)] {
        func flatten(_ value: Any, _ prefix: String, into out: inout [String: String]) {
            if let object = value as? [String: Any] {
                for (key, child) in object { flatten(child, prefix.isEmpty ? key : prefix + "." + key, into: &out) }
            } else if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                out[prefix] = String(decoding: data, as: UTF8.self)
            }
        }
        var mine: [String: String] = [:], theirs: [String: String] = [:]
        flatten(try jsonObject(run), "", into: &mine)
        if let flags { flatten(try jsonObject(flags), "", into: &theirs) }
        return Set(mine.keys).union(theirs.keys).sorted().filter { mine[$0] != theirs[$0] }
            .map { (key: $0, runValue: mine[$0] ?? "none") }
    }

    /// `run` with its epoch count raised to the one `typed` asks for, when that is higher (nil
    /// otherwise): every setting named `epochs` (`training.epochs`) takes the typed value.
    static func extendedEpochs(run: Self, typed: Self) throws -> Self? {
        let differing = try differences(run: run, flags: typed).filter { $0.key.split(separator: ".").last == "epochs" }
        guard !differing.isEmpty else { return nil }
        guard var object = try jsonObject(run) as? [String: Any], let wanted = try jsonObject(typed) as? [String: Any] else { return nil }
        func value(_ tree: [String: Any], _ path: [Substring]) -> Any? {
            guard let head = path.first else { return nil }
            return path.count == 1 ? tree[String(head)] : (tree[String(head)] as? [String: Any]).flatMap { value($0, Array(path.dropFirst())) }
        }
        func set(_ tree: inout [String: Any], _ path: [Substring], _ newValue: Any) {
            guard let head = path.first else { return }
            if path.count == 1 { tree[String(head)] = newValue; return }
            guard var child = tree[String(head)] as? [String: Any] else { return }
            set(&child, Array(path.dropFirst()), newValue)
            tree[String(head)] = child
        }
        for difference in differing {
            let path = difference.key.split(separator: ".")
            guard let old = value(object, path) as? Int, let new = value(wanted, path) as? Int, new > old else { return nil }
            set(&object, path, new)
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(Self.self, from: JSONSerialization.data(withJSONObject: object))
    }

    /// What a decoding error means, in a few words with the JSON path.
    static func reason(_ error: DecodingError) -> String {
        func at(_ path: [CodingKey]) -> String { path.isEmpty ? "" : " at " + path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let c): return "no '\(key.stringValue)'\(at(c.codingPath))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "unexpected value\(at(c.codingPath))"
        case .dataCorrupted(let c): return "malformed JSON\(at(c.codingPath))"
        @unknown default: return "\(error)"
        }
    }

    /// The settings of a fresh run (`fresh`, written to a new folder at `out`) or of the run saved
    /// in `resume` (its own settings win: they are what its checkpoint was made with).
    ///
    /// `givenFlags` are the setting flags the user typed (`--hidden`, `--lr`, …). With `resume`,
    /// flags that describe a run other than the saved one are refused, naming the flags and the
    /// run's values; flags that agree with it are harmless.
    ///
    /// In a data-parallel run rank 0 does this; the other ranks get a scratch folder and, when
    /// resuming, rank 0's settings (they need not see the run folder).
    public static func start(fresh: @autoclosure () throws -> Self, out: String?, resume: String?,
                             name: String, givenFlags: [String] = []) throws -> (settings: Self, folder: RunFolder) {
        let communicator = DataParallel.communicator
        guard communicator.size > 1 else { return try startHere(fresh: try fresh(), out: out, resume: resume, name: name, givenFlags: givenFlags) }
        if communicator.isPrimary {
            let started: (settings: Self, folder: RunFolder), message: [UInt8]
            do {
                started = try startHere(fresh: try fresh(), out: out, resume: resume, name: name, givenFlags: givenFlags)
                message = Array(try JSONEncoder().encode(started.settings))
            } catch {
                _ = communicator.broadcast([], root: 0)  // tells the other ranks to stop
                throw error
            }
            _ = communicator.broadcast(message, root: 0)
            return started
        }
        let received = communicator.broadcast([], root: 0)
        guard !received.isEmpty else { throw DistributedError.peerFailed }
        // A resumed run's settings are rank 0's (the run folder may be out of this rank's sight); a
        // fresh run's are this rank's own, and the training loop checks that they agree with rank 0's.
        let settings = resume == nil ? try fresh() : try JSONDecoder().decode(Self.self, from: Data(received))
        return (settings, try RunFolder.scratch(rank: communicator.rank))
    }

    /// `start` in this process alone.
    private static func startHere(fresh: @autoclosure () throws -> Self, out: String?, resume: String?,
                                  name: String, givenFlags: [String]) throws -> (settings: Self, folder: RunFolder) {
        if let resume {
            var settings = try read(runDirectory: resume)
            let folder = try RunFolder(resume, name: name)
            try folder.lock()
            if !givenFlags.isEmpty {
                let typed = try fresh()
                // `--epochs` above the run's trains longer, as a PyTorch user resumes to do: the
                // setting is raised in run.json and the loop continues from its last checkpoint.
                if givenFlags.contains("--epochs"), let longer = try extendedEpochs(run: settings, typed: typed) {
                    settings = longer
                    try settings.write(to: folder)
                }
                let all = try differences(run: settings, flags: typed)
                // Only the settings the typed flags name count (a flag that agrees with the run is
                // harmless, and the defaults of flags not typed are no conflict); a flag that
                // names no setting makes every difference count.
                let keys = try differences(run: settings, flags: nil).map(\.key)
                let everyFlagNamesASetting = givenFlags.allSatisfy { flag in keys.contains { Self.flag(flag, names: $0) } }
                let conflicts = everyFlagNamesASetting
                    ? all.filter { difference in givenFlags.contains { Self.flag($0, names: difference.key) } } : all
                if !conflicts.isEmpty {
                    throw ExperimentError("\(givenFlags.joined(separator: ", ")): the run in \(resume) was made with "
                        + conflicts.prefix(4).map { "\($0.key) = \($0.runValue)" }.joined(separator: ", ")
                        + "; --resume continues with the run's own settings (drop the flag, or start a new run with --out)")
                }
            }
            return (settings, folder)
        }
        let settings = try fresh()
        let existed = out.map { FileManager.default.fileExists(atPath: $0) } ?? false
        // A fresh run never writes over another run's files: its model, or a checkpoint that
        // --resume would then mix with this run's settings.
        if let out, let held = ["model.safetensors", "checkpoint.safetensors", "run.json"]
            .first(where: { FileManager.default.fileExists(atPath: out + "/" + $0) }) {
            throw ExperimentError("\(out): already holds a run (\(held)); continue it with --resume \(out), or choose another --out")
        }
        let folder = try RunFolder(out, name: name)
        RunFolder.noteFresh(folder.path, created: !existed)
        try folder.lock()
        try settings.write(to: folder)
        return (settings, folder)
    }
}
