"""Options shared by several commands, and turning them into settings."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from fr2en.config import ALL_FORMATS, Settings, load_settings
from fr2en.errors import UsageError, debugging

ConfigOption = typer.Option(
    None,
    "--config",
    "-c",
    metavar="FILE",
    help="TOML settings file with model, score and output tables (every key: fr2en's docs/configuration.md).",
    dir_okay=False,
)
OutputOption = typer.Option(
    None, "--output", "-o", metavar="DIR", help="Output folder (default: outputs/).", file_okay=False
)
FormatOption = typer.Option(
    None,
    "--format",
    "-f",
    metavar="LIST",
    help=f"Comma-separated output formats: {','.join(ALL_FORMATS)} or all (default: all).",
)
ModelOption = typer.Option(
    None, "--model", "-m", metavar="MODEL", help="Hugging Face model id, local model folder, or fr2en:tiny."
)
QuietOption = typer.Option(False, "--quiet", "-q", help="No progress bars.")
BeamOption = typer.Option(
    None, "--beam", "-b", metavar="N", min=1, help="Beam size (default: 4); 1 is greedy."
)
DeviceOption = typer.Option(None, "--device", metavar="DEVICE", help="auto, cpu or cuda (default: auto).")
BackendOption = typer.Option(
    None,
    "--backend",
    metavar="BACKEND",
    help="auto, torch or ct2 (default: auto, which is ct2 when CTranslate2, the fast extra, is installed).",
)
ThresholdOption = typer.Option(
    None,
    "--threshold",
    metavar="X",
    min=0.0,
    max=1.0,
    help="Flag pairs scoring below this, 0..1 (default: 0.5).",
)


def check_model_option(model: str | None) -> None:
    """UsageError (exit 2) when ``--model`` names a folder that does not exist, as for a missing input."""
    from fr2en.translate.locate import looks_like_path

    if model and looks_like_path(model) and not Path(model).expanduser().exists():
        raise UsageError(
            f"--model {model}: no such model folder; give a folder holding config.json and weights"
        )


def tidy_help(command: Any) -> Any:
    """Help in click's usual words, whichever typer renders it: ``PATHS...`` rather than ``{paths}...``,
    and no type shown for an argument (``<list[str]>``) or a flag (``<bool>``). Returns ``command``.

    Recent typer versions print required arguments in braces and every parameter's Python type; the
    attributes set here are the ones they read, and older versions simply ignore them. Parameters are
    told apart by click's attributes, not classes: recent typer versions carry their own click.
    """
    for sub in getattr(command, "commands", {}).values():
        tidy_help(sub)
    make_help_option = getattr(command, "get_help_option", None)
    if make_help_option is not None:

        def help_option(ctx: Any, make: Any = make_help_option) -> Any:
            option = make(ctx)
            if option is not None:
                option.display_type_rich = lambda ctx: None
            return option

        command.get_help_option = help_option
    for param in getattr(command, "params", ()):
        if getattr(param, "param_type_name", "") == "argument":
            name = (param.metavar or param.name or "").upper().removesuffix("...")
            shown = name + ("..." if param.nargs != 1 else "")
            param.metavar = shown
            usage = shown if param.required else f"[{shown}]"
            param._usage_display_name = lambda usage=usage: usage
            param.display_type_rich = lambda ctx: None
        elif getattr(param, "is_flag", False):
            param.display_type_rich = lambda ctx: None
    return command


def settings_from(config: Path | None, **overrides: dict[str, Any]) -> Settings:
    """Settings from the config file, environment and the command line's non-empty values."""
    return load_settings(config, overrides)


Command = TypeVar("Command", bound=Callable[..., Any])


def guarded(command: Command) -> Command:
    """Turn fr2en's errors and Ctrl-C inside ``command`` into one line on stderr and an exit code."""

    @functools.wraps(command)
    def run_guarded(*args: Any, **kwargs: Any) -> Any:
        from fr2en.errors import Fr2EnError, Interrupted

        debug = debugging()
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
