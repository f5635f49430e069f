"""Typed errors. Each message says what went wrong and, where it can, how to fix it."""


class NewsbriefError(Exception):
    """Base class for errors newsbrief reports to the user."""


def unexpected(exc: Exception) -> str:
    """The one-line reason for an error newsbrief did not foresee: a bug to report."""
    return f"unexpected error, please report it: {type(exc).__name__}: {exc}"


class InputError(NewsbriefError):
    """One input cannot be used. The batch reports it and goes on with the rest."""


class FetchError(InputError):
    """A URL could not be fetched. ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable
