"""Loss surfaces: the mean loss over a plane through parameter space (two weights,
or the trajectory's PCA plane), evaluated for all grid points at once."""
