/// Float storage aligned to 64 bytes, freed with its last reference: the flat weight matrices
/// that training threads share through raw pointers.
final class AlignedBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, count) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: Swift.max(1, count))
        pointer.initialize(repeating: 0, count: count)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
