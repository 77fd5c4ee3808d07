"""One exception type per kind of failure; the CLI turns each into one line and an exit code."""

from __future__ import annotations

import os


def debugging() -> bool:
    """Whether ``FR2EN_DEBUG`` asks for tracebacks instead of one-line errors (any value but empty or 0)."""
    return os.environ.get("FR2EN_DEBUG", "") not in ("", "0")


class Fr2EnError(Exception):
    """Base of every error fr2en raises on purpose. The message is one line that says what to do."""

    exit_code = 1


class UsageError(Fr2EnError):
    """The command line or configuration asks for something impossible (exit code 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration file, environment variable or option has a bad value."""


class InputError(Fr2EnError):
    """An input is missing, unreadable, binary or cannot be decoded."""


class ModelLoadError(Fr2EnError):
    """The translation model cannot be found, downloaded or loaded."""


class AlignmentError(Fr2EnError):
    """Two texts cannot be aligned as asked."""


class OutputError(Fr2EnError):
    """An output cannot be written (permissions, full disk, a path that would overwrite an input)."""


class Interrupted(Fr2EnError):
    """A run stopped on a signal (Ctrl-C, SIGTERM) after keeping what it had finished.

    The exit code is the shell's for that signal: 128 + its number (130 for SIGINT, 143 for SIGTERM).
    """

    def __init__(self, message: str, signal_number: int = 2) -> None:
        super().__init__(message)
        self.exit_code = 128 + signal_number
