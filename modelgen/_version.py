"""modelgen's version, in a module of its own so that any layer may read it without importing
the package's public API (and the build reads it for the wheel's metadata)."""

__version__ = "0.1.0"
