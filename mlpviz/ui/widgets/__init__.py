"""Small widgets several features share: the banner, steady text, heatmap, contour."""
