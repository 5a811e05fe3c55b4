"""The demo scheduler as a pure function: see solve.solve() and SCHEDULING.md."""
