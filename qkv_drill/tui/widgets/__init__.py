"""Small widgets shared by the screens: matrices, heatmaps, derivations, answer boxes."""
