"""Live plots: the loss curve and the heatmap surfaces (loss over weights, output map)."""
