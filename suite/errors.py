"""User-facing errors: each says what is wrong and how to fix it, in one line."""

from __future__ import annotations

__all__ = ["ConfigError"]


class ConfigError(ValueError):
    """A configuration file, profile or override is invalid."""
