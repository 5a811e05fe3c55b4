"""Helpers the tests (and benchmarks) import; fixtures stay in the conftest modules."""
