"""Options shared by several commands, and turning them into settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from fr2en.config import Settings, load_settings

ConfigOption = typer.Option(None, "--config", "-c", help="TOML settings file (see configs/default.toml).",
                            dir_okay=False)
OutputOption = typer.Option(None, "--output", "-o", help="Output folder (default: outputs/).", file_okay=False)
FormatOption = typer.Option(None, "--format", "-f",
                            help="Comma-separated output formats: txt,tsv,jsonl,tmx,html or all (default: all).")
ModelOption = typer.Option(None, "--model", "-m", help="Hugging Face model id or local model folder.")
QuietOption = typer.Option(False, "--quiet", "-q", help="No progress bars.")


def settings_from(config: Path | None, **overrides: dict[str, Any]) -> Settings:
    """Settings from the config file, environment and the command line's non-empty values."""
    return load_settings(config, overrides)
