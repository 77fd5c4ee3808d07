"""``fr2en models``: fetch a model ahead of time, or write out the tiny test model."""

from __future__ import annotations

from pathlib import Path

import typer

from fr2en.cli.options import guarded
from fr2en.config import DEFAULT_MODEL

app = typer.Typer(help="Manage translation models.", no_args_is_help=True)


@app.command("download")
@guarded
def download(model: str = typer.Argument(DEFAULT_MODEL, help="Hugging Face model id.")) -> None:
    """Download a model into the Hugging Face cache so that later runs work offline."""
    from fr2en.translate.locate import resolve_model

    source = resolve_model(model)
    typer.echo(f"{source.name} @ {source.revision}: {source.path}")


@app.command("tiny")
@guarded
def tiny(
    directory: Path = typer.Argument(..., help="Folder to write the tiny model into.", file_okay=False),
) -> None:
    """Write the tiny random-weight test model as an ordinary model folder (usable with --model)."""
    from fr2en.translate.tiny import build_tiny_model

    build_tiny_model(directory)
    typer.echo(f"tiny test model written to {directory}")
