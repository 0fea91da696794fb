"""Fast paths of the Trainer: per-sample SGD in plain floats, mini-batches without
per-batch objects, the epoch's loss. Each reads the activation and loss registries and
gives the generic path's numbers (tested bit for bit)."""
