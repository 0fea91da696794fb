"""Everything `mlpviz bench` runs: each figure against a baseline measured in the same run.

Nothing in the product imports this package; ``mlpviz bench`` loads it when
the command runs (tests/test_bench_boundary.py holds both to that)."""
