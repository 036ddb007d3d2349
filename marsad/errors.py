"""One small hierarchy of errors. Messages say what was wrong, where, and what to do."""

from __future__ import annotations


class MarsadError(Exception):
    """Base of every error marsad raises on purpose."""


class InputError(MarsadError):
    """An input document cannot be read as an article (the batch goes on without it)."""


class StoreError(MarsadError):
    """The store cannot be opened or does not hold what was asked for."""
