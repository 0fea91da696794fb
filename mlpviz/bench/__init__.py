"""Everything `mlpviz bench` runs: each figure against a baseline measured in the same run.

Nothing in the product imports this package (an import-linter contract)."""
