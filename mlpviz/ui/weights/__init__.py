"""The weight tables: every layer's weights and biases as editable, tinted grids."""
