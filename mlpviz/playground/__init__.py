"""The optimizer playground's math, Qt-free: a safe expression parser, its calculus,
2-D test functions and optimizer races."""
