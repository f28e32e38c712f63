// libFuzzer entry point for the SafeTensors parser. scripts/fuzz.sh compiles this file into the same
// module as the LatentIO sources, so the internal `parse(bytes:path:)` is reachable without
// any file I/O per input. Thrown errors are the expected outcome for most inputs; only traps,
// sanitizer reports, leaks and runaway memory count as findings.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    _ = try? SafeTensors.parse(bytes: bytes, path: "fuzz.safetensors")
    return 0
}
