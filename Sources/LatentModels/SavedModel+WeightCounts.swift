import LatentIO

// The weights each config implies, counted without building the model, so `ModelFile.build` can
// refuse a config that asks for more than the file holds. Only weight matrices and kernels are
// counted (a lower bound is all the check needs); products saturate, so a hostile size cannot trap.

extension Autoencoder {
    /// The encoder's and the decoder's weights (once when tied).
    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        let oneWay = config.kind == .conv
            ? 1 * 32 * 9 + 32 * 64 * 9 + InputLimits.product(3136, config.codeSize)
            : InputLimits.denseWeights(config.layers)
        return config.tiedWeights ? oneWay : InputLimits.sum(oneWay, oneWay)
    }
}

extension VAE {
    /// The encoder, the μ and log σ² heads, the decoder and the mixture prior.
    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        let d = config.latentSize
        var total: Int
        switch config.network {
        case .mlp:
            let features = config.hidden.last ?? config.inputSize
            total = InputLimits.denseWeights([config.inputSize] + config.hidden)
            total = InputLimits.sum(total, InputLimits.product(2, InputLimits.product(features, d)))
            total = InputLimits.sum(total, InputLimits.denseWeights([d] + config.hidden.reversed() + [config.inputSize]))
        case .conv:
            let quarter = config.imageSide / 4
            let features = InputLimits.product(64, InputLimits.product(quarter, quarter))
            total = 1 * 32 * 9 + 32 * 64 * 9 + 64 * 32 * 9 + 32 * 1 * 9
            total = InputLimits.sum(total, InputLimits.product(3, InputLimits.product(features, d)))
        }
        if config.prior == .mog {
            total = InputLimits.sum(total, InputLimits.product(2, InputLimits.product(config.priorComponents, d)))
        }
        return total
    }
}

extension GAN {
    /// The generator's and the discriminator's weights.
    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        switch config.kind {
        case .mlp:
            let generator = InputLimits.denseWeights([config.latentSize] + config.generatorHidden + [config.dataSize])
            let packed = InputLimits.product(config.dataSize, config.packSize)
            return InputLimits.sum(generator, InputLimits.denseWeights([packed] + config.discriminatorHidden + [1]))
        case .dcgan:
            let fixed = 128 * 64 * 16 + 64 * 16 + config.packSize * 64 * 16 + 64 * 128 * 16 + 128 * 7 * 7
            return InputLimits.sum(fixed, InputLimits.product(config.latentSize, 128 * 7 * 7))
        }
    }
}
