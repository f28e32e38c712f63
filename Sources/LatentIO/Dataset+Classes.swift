import LatentTensor

extension Dataset {
    /// The examples whose label is one of `classes`, relabelled by position in that list
    /// (`classes[k]` becomes label `k`), in their original order: the data of a new task made of
    /// some of the old task's classes (digits 5–9 as a five-class problem). Unlabelled data and
    /// an empty list give an empty dataset.
    public func restricted(to classes: [Int]) -> Dataset {
        guard let labels else { return subset([]) }
        var position: [Int: Int] = [:]
        for (k, c) in classes.enumerated() where position[c] == nil { position[c] = k }
        let kept = labels.indices.filter { position[labels[$0]] != nil }
        return Dataset(inputs: inputs.gatherRows(kept), labels: kept.map { position[labels[$0]] ?? 0 })
    }

    /// At most `perClass` examples of each label, chosen at random (seeded), in their original
    /// order; the whole dataset when `perClass` is nil. Classes with fewer examples keep all of
    /// them. Unlabelled data is returned unchanged.
    public func balancedSubset(perClass: Int?, seed: UInt64) -> Dataset {
        guard let perClass, let labels else { return self }
        var rng = RandomGenerator(seed: seed ^ 0xBA1A)
        var taken: [Int: Int] = [:]
        var kept: [Int] = []
        // One seeded permutation visited in order: the first `perClass` of each class in it win.
        for i in rng.permutation(count) where taken[labels[i], default: 0] < perClass {
            taken[labels[i], default: 0] += 1
            kept.append(i)
        }
        return subset(kept.sorted())
    }

    /// The labels that occur, ascending (empty for unlabelled data).
    public var labelSet: [Int] { Array(Set(labels ?? [])).sorted() }
}
