"""Helpers shared by tests/core, tests/ui and tests/bench (no Qt here): import as `tests._shared.…`."""
