"""Performance benchmarks for companion: ``python -m benchmarks`` (see benchmarks/README.md)."""
