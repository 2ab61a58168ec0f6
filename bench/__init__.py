"""Benchmarks of the live path: `make bench` or `python -m bench.run SCENARIO` (see README)."""
