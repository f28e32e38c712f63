import LatentNN

extension RBM {
    /// The shape and unit types of a restricted Boltzmann machine; stored in its model files.
    public struct Config: Codable, Sendable, Equatable {
        /// What the visible units are.
        public enum VisibleUnits: String, Codable, Sendable, CaseIterable {
            /// Binary units; data in [0, 1] is read as probabilities.
            case bernoulli
            /// Real-valued units with unit variance (standardise the data first).
            case gaussian
        }

        /// What the hidden units are.
        public enum HiddenUnits: String, Codable, Sendable, CaseIterable {
            /// Binary units (the usual feature detectors).
            case bernoulli
            /// Linear units with unit-variance Gaussian noise: the real-valued code layer of
            /// Hinton & Salakhutdinov's top RBM.
            case linear
        }

        public var visible = 784
        public var hidden = 256
        public var visibleUnits = VisibleUnits.bernoulli
        public var hiddenUnits = HiddenUnits.bernoulli
        /// Standard deviation of the initial weights (0.01, as Hinton's practical guide and
        /// scikit-learn use; biases start at zero).
        public var initialStd: Float = 0.01
        public var seed: UInt64 = 1

        public init() {}

        public init(visible: Int, hidden: Int, visibleUnits: VisibleUnits = .bernoulli,
                    hiddenUnits: HiddenUnits = .bernoulli, seed: UInt64 = 1) {
            self.visible = visible
            self.hidden = hidden
            self.visibleUnits = visibleUnits
            self.hiddenUnits = hiddenUnits
            self.seed = seed
        }

        /// Rejects shapes that cannot make a machine.
        public func validate() throws(ModelError) {
            if visible < 1 { throw .invalidConfig("an RBM needs at least one visible unit, got \(visible)") }
            if hidden < 1 { throw .invalidConfig("an RBM needs at least one hidden unit, got \(hidden)") }
            if !(initialStd >= 0) || !initialStd.isFinite { throw .invalidConfig("initial weight std must be ≥ 0, got \(initialStd)") }
        }

        /// "bernoulli 784 → bernoulli 256".
        public var summary: String {
            "\(visibleUnits.rawValue) \(visible) → \(hiddenUnits == .linear ? "linear-gaussian" : "bernoulli") \(hidden)"
        }
    }
}
