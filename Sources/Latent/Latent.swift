// The umbrella module: `import Latent` brings in every public Latent library.
@_exported import LatentTensor
@_exported import LatentIO
@_exported import LatentNN
@_exported import LatentModels
@_exported import LatentPlot
@_exported import LatentManifold
@_exported import LatentText
@_exported import LatentExperiments
@_exported import LatentDistributed
