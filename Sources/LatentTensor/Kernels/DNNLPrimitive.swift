import CLatentDNNL

// oneDNN primitives (beyond its sgemm) behind a small executor: one primitive, the memory layouts
// it chose for its arguments, and the reorders between those and Latent's plain row-major ones.

/// oneDNN's CPU engine, created on first use; `nil` if oneDNN cannot create one, in which case
/// every caller falls back to its own kernels.
enum DNNLEngine {
    nonisolated(unsafe) static let cpu: dnnl_engine_t? = {
        var engine: dnnl_engine_t?
        return dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success ? engine : nil
    }()
}

/// The contents of a `dnnl_dims_t` (an array of `DNNL_MAX_NDIMS` = 12) holding `values`, the rest
/// zero, for the C functions that take one as a pointer.
func dnnlDims(_ values: [Int]) -> [Int64] {
    values.map { Int64($0) } + [Int64](repeating: 0, count: 12 - values.count)
}

/// A float32 memory descriptor of `shape` in layout `tag` (`dnnl_format_tag_any` lets a
/// primitive choose); `nil` if oneDNN refuses it.
func dnnlMemoryDescriptor(_ shape: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t? {
    var md = dnnl_memory_desc_t()
    return dnnl_memory_desc_init_by_tag(&md, Int32(shape.count), dnnlDims(shape), dnnl_f32, tag) == dnnl_success ? md : nil
}

/// How to pass one argument to a primitive: its oneDNN id, whether the primitive writes it, the
/// plain layout Latent keeps it in, and the query (with its index: a bias is the second
/// `weights` argument) that gives the layout the primitive chose.
struct DNNLArgumentSpec {
    var id: Int32
    var isOutput: Bool
    var plain: dnnl_memory_desc_t
    var query: dnnl_query_t
    var index: Int32 = 0
}

/// One argument of a primitive: Latent passes it in the plain layout `plain`; the primitive
/// wants `chosen`, and `reorder` converts between them (into the primitive's layout for an
/// input, out of it for an output) when the two differ.
struct DNNLArgument {
    var id: Int32
    var isOutput: Bool
    var plain: dnnl_memory_desc_t
    var chosen: dnnl_memory_desc_t
    var reorder: dnnl_primitive_t?
    var chosenBytes: Int
}

/// A created oneDNN primitive with its arguments' layouts and reorders. Execution is safe from
/// several threads at once: the scratchpad, the staging buffers, the memory objects and the
/// stream are all made per call (oneDNN's primitives themselves are immutable once created).
final class DNNLPrimitive: @unchecked Sendable {
    private let primitive: dnnl_primitive_t
    private let descriptor: dnnl_primitive_desc_t
    private let arguments: [DNNLArgument]
    private let scratchpad: dnnl_memory_desc_t
    private let scratchpadBytes: Int
    /// The OpenMP team size the primitive was created for: oneDNN partitions its work by the
    /// thread count at creation, so it runs with the same count.
    let threads: Int

    /// Creates the primitive of the operation `operation` (a `dnnl_*_desc_t`, passed as its
    /// address), with `hint` the forward primitive descriptor a backward one needs, and its
    /// arguments in the order `run` takes their buffers. `nil` when oneDNN has no
    /// implementation for it.
    /// `configure` may add to the primitive's attributes (post-ops), returning `false` on failure.
    init?(operation: UnsafeRawPointer, hint: dnnl_primitive_desc_t?, threads: Int, arguments specs: [DNNLArgumentSpec],
          configure: (dnnl_primitive_attr_t) -> Bool = { _ in true }) {
        guard let engine = DNNLEngine.cpu else { return nil }
        omp_set_num_threads(Int32(threads))
        var attr: dnnl_primitive_attr_t?
        guard dnnl_primitive_attr_create(&attr) == dnnl_success, let attr else { return nil }
        defer { dnnl_primitive_attr_destroy(attr) }
        // The scratchpad is ours, one per call, so concurrent calls never share one.
        guard dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user) == dnnl_success,
              configure(attr) else { return nil }
        var pd: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&pd, operation, attr, engine, hint) == dnnl_success, let pd else {
            return nil
        }
        var made: [DNNLArgument] = []
        var ok = true
        for spec in specs {
            guard let chosenPointer = dnnl_primitive_desc_query_md(pd, spec.query, spec.index) else { ok = false; break }
            var chosen = chosenPointer.pointee
            var plain = spec.plain
            var reorder: dnnl_primitive_t?
            if dnnl_memory_desc_equal(&chosen, &plain) == 0 {
                var reorderPD: dnnl_primitive_desc_t?
                let status = spec.isOutput
                    ? dnnl_reorder_primitive_desc_create(&reorderPD, &chosen, engine, &plain, engine, nil)
                    : dnnl_reorder_primitive_desc_create(&reorderPD, &plain, engine, &chosen, engine, nil)
                guard status == dnnl_success, let reorderPD else { ok = false; break }
                let created = dnnl_primitive_create(&reorder, reorderPD)
                dnnl_primitive_desc_destroy(reorderPD)
                guard created == dnnl_success else { ok = false; break }
            }
            made.append(DNNLArgument(id: spec.id, isOutput: spec.isOutput, plain: plain, chosen: chosen,
                                     reorder: reorder, chosenBytes: dnnl_memory_desc_get_size(&chosen)))
        }
        var prim: dnnl_primitive_t?
        guard ok, let scratchPointer = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0),
              dnnl_primitive_create(&prim, pd) == dnnl_success, let prim else {
            for argument in made { if let r = argument.reorder { dnnl_primitive_destroy(r) } }
            dnnl_primitive_desc_destroy(pd)
            return nil
        }
        primitive = prim
        descriptor = pd
        arguments = made
        scratchpad = scratchPointer.pointee
        var scratch = scratchpad
        scratchpadBytes = dnnl_memory_desc_get_size(&scratch)
        self.threads = threads
    }

    deinit {
        for argument in arguments { if let r = argument.reorder { dnnl_primitive_destroy(r) } }
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }

    /// The primitive descriptor, as the hint a backward primitive of the same operation needs.
    var hint: dnnl_primitive_desc_t { descriptor }

    /// Runs the primitive on `operands`, one per argument in the order given at creation.
    /// An input whose operand carries a staged copy in the layout this primitive chose is read
    /// from that copy; other inputs are reordered into scratch copies first, and the copies of
    /// the inputs whose indices are in `keep` are returned (by index) for a later primitive that
    /// reads the same tensor. Returns `nil` (outputs unspecified) if oneDNN reports a failure.
    func run(_ operands: [DNNLOperand], keep: Set<Int> = []) -> [Int: DNNLStagedBuffer]? {
        guard let engine = DNNLEngine.cpu, operands.count == arguments.count else { return nil }
        omp_set_num_threads(Int32(threads))
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success, let stream else {
            return nil
        }
        var memories: [dnnl_memory_t] = []
        defer {
            for m in memories { dnnl_memory_destroy(m) }
            dnnl_stream_destroy(stream)
        }
        func memory(_ md: dnnl_memory_desc_t, _ handle: UnsafeMutableRawPointer) -> dnnl_memory_t? {
            var md = md
            var m: dnnl_memory_t?
            guard dnnl_memory_create(&m, &md, engine, handle) == dnnl_success, let m else { return nil }
            memories.append(m)
            return m
        }
        func reorder(_ r: dnnl_primitive_t, from: dnnl_memory_t, to: dnnl_memory_t) -> Bool {
            var args = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to)]
            return dnnl_primitive_execute(r, stream, 2, &args) == dnnl_success
        }
        var execArgs: [dnnl_exec_arg_t] = []
        var staging: [DNNLStagedBuffer] = []
        var kept: [Int: DNNLStagedBuffer] = [:]
        var pendingOutputs: [(dnnl_primitive_t, dnnl_memory_t, dnnl_memory_t)] = []
        for (index, (argument, operand)) in zip(arguments, operands).enumerated() {
            if !argument.isOutput, let staged = operand.staged, staged.matches(argument.chosen) {
                guard let m = memory(argument.chosen, staged.pointer) else { return nil }
                execArgs.append(dnnl_exec_arg_t(arg: argument.id, memory: m))
                continue
            }
            guard let user = memory(argument.plain, operand.plain) else { return nil }
            guard let r = argument.reorder else {
                execArgs.append(dnnl_exec_arg_t(arg: argument.id, memory: user))
                continue
            }
            let stage = DNNLStagedBuffer(argument.chosen, bytes: argument.chosenBytes)
            staging.append(stage)
            guard let staged = memory(argument.chosen, stage.pointer) else { return nil }
            if argument.isOutput {
                pendingOutputs.append((r, staged, user))
            } else {
                guard reorder(r, from: user, to: staged) else { return nil }
                if keep.contains(index) { kept[index] = stage }
            }
            execArgs.append(dnnl_exec_arg_t(arg: argument.id, memory: staged))
        }
        if scratchpadBytes > 0 {
            let scratch = DNNLStagedBuffer(scratchpad, bytes: scratchpadBytes)
            staging.append(scratch)
            guard let m = memory(scratchpad, scratch.pointer) else { return nil }
            execArgs.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: m))
        }
        guard dnnl_primitive_execute(primitive, stream, Int32(execArgs.count), &execArgs) == dnnl_success else { return nil }
        for (r, staged, user) in pendingOutputs where !reorder(r, from: staged, to: user) { return nil }
        return dnnl_stream_wait(stream) == dnnl_success ? kept : nil
    }
}

/// One operand of `DNNLPrimitive.run`: a tensor's plain buffer, and optionally a copy of it
/// already reordered by an earlier primitive (used when this primitive chose the same layout).
struct DNNLOperand {
    var plain: UnsafeMutableRawPointer
    var staged: DNNLStagedBuffer?

    init(_ plain: UnsafeRawPointer, staged: DNNLStagedBuffer? = nil) {
        self.plain = UnsafeMutableRawPointer(mutating: plain)
        self.staged = staged
    }
}

/// A buffer in a layout a primitive chose, with that layout's descriptor: a scratch copy of an
/// operand, which `run` can hand back so that the forward pass's reordered source (or one
/// backward primitive's reordered gradient) serves the next primitive without a second reorder.
/// Memory comes from `TensorStorage`, which recycles large buffers.
final class DNNLStagedBuffer: @unchecked Sendable {
    let descriptor: dnnl_memory_desc_t
    private let storage: TensorStorage

    init(_ descriptor: dnnl_memory_desc_t, bytes: Int) {
        self.descriptor = descriptor
        storage = TensorStorage(count: (bytes + 3) / 4)
    }

    var pointer: UnsafeMutableRawPointer { UnsafeMutableRawPointer(storage.pointer) }

    /// Whether the buffer is laid out as `other` describes.
    func matches(_ other: dnnl_memory_desc_t) -> Bool {
        var (a, b) = (descriptor, other)
        return dnnl_memory_desc_equal(&a, &b) != 0
    }
}
