// libFuzzer entry point for the IDX parser. scripts/fuzz.sh compiles this file into the same
// module as the LatentIO sources, so the internal `parse(bytes:path:)` is reachable without
// any file I/O per input. Thrown errors are the expected outcome for most inputs; only traps,
// sanitizer reports, leaks and runaway memory count as findings.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    // Converting exercises the big-endian decoders on whatever shape the parser accepted.
    if let array = try? IDX.parse(bytes: bytes, path: "fuzz.idx", limit: 64 << 20) {
        _ = array.tensor(scale: 1 / 255)
        _ = array.integers()
    }
    return 0
}
