"""Options shared by several commands, and turning them into settings."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from fr2en.config import ALL_FORMATS, Settings, load_settings

ConfigOption = typer.Option(
    None, "--config", "-c", help="TOML settings file (see configs/default.toml).", dir_okay=False
)
OutputOption = typer.Option(
    None, "--output", "-o", help="Output folder (default: outputs/).", file_okay=False
)
FormatOption = typer.Option(
    None,
    "--format",
    "-f",
    help=f"Comma-separated output formats: {','.join(ALL_FORMATS)} or all (default: all).",
)
ModelOption = typer.Option(None, "--model", "-m", help="Hugging Face model id or local model folder.")
QuietOption = typer.Option(False, "--quiet", "-q", help="No progress bars.")
BeamOption = typer.Option(None, "--beam", "-b", help="Beam size (default: 4); 1 is greedy.")
DeviceOption = typer.Option(None, "--device", help="auto, cpu or cuda (default: auto).")
ThresholdOption = typer.Option(None, "--threshold", help="Flag pairs scoring below this (default: 0.5).")


def settings_from(config: Path | None, **overrides: dict[str, Any]) -> Settings:
    """Settings from the config file, environment and the command line's non-empty values."""
    return load_settings(config, overrides)


Command = TypeVar("Command", bound=Callable[..., Any])


def guarded(command: Command) -> Command:
    """Turn fr2en's errors and Ctrl-C inside ``command`` into one line on stderr and an exit code."""

    @functools.wraps(command)
    def run_guarded(*args: Any, **kwargs: Any) -> Any:
        from fr2en.errors import Fr2EnError, Interrupted

        debug = os.environ.get("FR2EN_DEBUG", "") not in ("", "0")
        try:
            return command(*args, **kwargs)
        except Interrupted as exc:
            sys.stderr.write(f"fr2en: {exc}\n")
            raise typer.Exit(exc.exit_code) from None
        except Fr2EnError as exc:
            if debug:
                raise
            sys.stderr.write(f"fr2en: error: {exc}\n")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            if debug:
                raise
            sys.stderr.write("fr2en: interrupted; finished documents are kept, rerun to continue\n")
            raise typer.Exit(130) from None

    return run_guarded  # type: ignore[return-value]
