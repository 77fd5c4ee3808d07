"""``fr2en align``."""

from __future__ import annotations

from pathlib import Path

import typer

from fr2en.cli.options import ConfigOption, FormatOption, OutputOption, ThresholdOption, settings_from

FrenchArgument = typer.Argument(..., help="The French text (.txt or .md).", dir_okay=False)
EnglishArgument = typer.Argument(..., help="Its English translation.", dir_okay=False)


def align_command(
    french: Path = FrenchArgument,
    english: Path = EnglishArgument,
    output: Path | None = OutputOption,
    config: Path | None = ConfigOption,
    formats: str | None = FormatOption,
    threshold: float | None = ThresholdOption,
) -> None:
    """Align a French text with an existing English translation.

    Writes side-by-side views, TMX and the other formats, named after the French file, and
    report.json: the sentences merged, split, left out or added, each link with its confidence.
    """
    from fr2en.pipeline import align_files

    settings = settings_from(
        config,
        score={"threshold": threshold},
        output={"directory": str(output) if output else None, "formats": formats},
    )
    result = align_files(french, english, settings.output.directory, settings=settings)
    merged = sum(1 for p in result.pairs if len(p.src) > 1 or len(p.tgt) > 1)
    typer.echo(
        f"fr2en: {len(result.source_sentences)} French and {len(result.target_sentences)} English sentences, "
        f"{len(result.pairs)} links ({merged} n:m); outputs in {settings.output.directory}/{french.stem}.*",
        err=True,
    )
    for note in result.notes:
        typer.echo(f"fr2en: {note}", err=True)
