"""``fr2en score`` and ``fr2en evaluate``: quality scores for line-aligned files, and test-set metrics."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from fr2en.cli.options import (
    BeamOption,
    ConfigOption,
    DeviceOption,
    FormatOption,
    ModelOption,
    ThresholdOption,
    check_model_option,
    settings_from,
)

SrcOption = typer.Option(..., "--src", metavar="FILE", help="French, one sentence per line.", dir_okay=False)
HypOption = typer.Option(
    ..., "--hyp", metavar="FILE", help="English translation, line-aligned with --src.", dir_okay=False
)
RefOption = typer.Option(
    None, "--ref", metavar="FILE", help="Reference English, line-aligned: adds BLEU/chrF/TER.", dir_okay=False
)
TestRefOption = typer.Option(
    ..., "--ref", metavar="FILE", help="Reference English, line-aligned with --src.", dir_okay=False
)
ScoreOutputOption = typer.Option(
    None,
    "--output",
    "-o",
    metavar="DIR",
    help="Write the outputs and reports into this folder (default: none are written).",
    file_okay=False,
)
NoModelOption = typer.Option(False, "--no-model", help="Model-free checks only: loads no model.")


def score_command(
    src: Path = SrcOption,
    hyp: Path = HypOption,
    ref: Path | None = RefOption,
    output: Path | None = ScoreOutputOption,
    formats: str | None = FormatOption,
    config: Path | None = ConfigOption,
    model: str | None = ModelOption,
    no_model: bool = NoModelOption,
    threshold: float | None = ThresholdOption,
) -> None:
    """Score translations made elsewhere: JSONL to stdout (one object per pair), summary to stderr.

    With -o, writes the chosen formats, <name>.summary.json, report.json and report.html there
    instead of printing the pairs (named after the French file).
    """
    from fr2en.pipeline import score_files
    from fr2en.write import summary

    check_model_option(model)
    settings = settings_from(
        config, model={"name": model}, score={"threshold": threshold}, output={"formats": formats}
    )
    result = score_files(src, hyp, ref, output, settings=settings, use_model=not no_model)
    if output is None:
        sys.stdout.write(summary.render_pairs(result))
    sys.stderr.write(summary.render_text(result))


def evaluate_command(
    src: Path = SrcOption,
    ref: Path = TestRefOption,
    output: Path | None = ScoreOutputOption,
    formats: str | None = FormatOption,
    config: Path | None = ConfigOption,
    model: str | None = ModelOption,
    beam: int | None = BeamOption,
    device: str | None = DeviceOption,
) -> None:
    """Translate a test set and print corpus BLEU, chrF and TER with their sacrebleu signatures."""
    from fr2en.pipeline import evaluate_files
    from fr2en.write import summary

    check_model_option(model)
    settings = settings_from(
        config, model={"name": model, "beam": beam, "device": device}, output={"formats": formats}
    )
    result = evaluate_files(src, ref, output, settings=settings)
    sys.stdout.write(summary.render_text(result))
    sys.stdout.write(f"fr2en: {result.signature.as_text()}\n")
