"""Benchmarks of the extraction flow: `python -m bench.run` (see RESULTS.md)."""
