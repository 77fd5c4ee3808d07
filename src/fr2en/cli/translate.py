"""``fr2en translate``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from fr2en.cli.options import (
    BackendOption,
    BeamOption,
    ConfigOption,
    DeviceOption,
    FormatOption,
    ModelOption,
    OutputOption,
    QuietOption,
    ThresholdOption,
    check_model_option,
    settings_from,
)
from fr2en.errors import UsageError


def translate_command(
    paths: list[str] = typer.Argument(
        ...,
        metavar="PATHS...",
        help="French files (.txt, .md, .html, .docx, .odt, .epub, .srt, .vtt, .pdf), folders (walked "
        "recursively), or - for stdin.",
    ),
    output: Path | None = OutputOption,
    config: Path | None = ConfigOption,
    model: str | None = ModelOption,
    formats: str | None = FormatOption,
    beam: int | None = BeamOption,
    backend: str | None = BackendOption,
    device: str | None = DeviceOption,
    threshold: float | None = ThresholdOption,
    quiet: bool = QuietOption,
    unit: str | None = typer.Option(
        None,
        "--unit",
        metavar="UNIT",
        help="Translate by sentence, or by paragraph for more context (default: sentence).",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Redo every document, even those already done with the same input and settings.",
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Neither read nor fill the translation cache (see README, Batch jobs)."
    ),
    html: str | None = typer.Option(
        None,
        "--html",
        metavar="MODE",
        help="Web pages: 'article' (the article's text only; default) or 'page' (the whole page "
        "translated in place into name.en.html). See docs/formats.md.",
    ),
    executor: str = typer.Option(
        "local",
        "--executor",
        metavar="EXECUTOR",
        help="local, or ray: translate on a Ray cluster (the ray extra; docs/ray.md).",
    ),
    ray_address: str | None = typer.Option(
        None,
        "--ray-address",
        metavar="ADDR",
        help="Ray cluster address (default: RAY_ADDRESS, else a local Ray).",
    ),
    workers: int | None = typer.Option(
        None, "--workers", metavar="N", help="Translation actors with --executor ray (default: one per CPU)."
    ),
) -> None:
    """Translate French articles and write the English, side-by-side views and scores."""
    if "-" in paths and output is not None:
        raise UsageError("-o is for files: the English of standard input (-) goes to standard output")
    check_model_option(model)
    settings = settings_from(
        config,
        model={"name": model, "beam": beam, "backend": backend, "device": device, "unit": unit},
        score={"threshold": threshold},
        output={"directory": str(output) if output else None, "formats": formats},
        input={"html": html},
        ray={"address": ray_address, "workers": workers},
    )
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("- (standard input) cannot be combined with other paths")
        from fr2en.pipeline import translate_text

        text = sys.stdin.buffer.read()
        from fr2en.read import decode

        result = translate_text(decode(text)[0], settings=settings, name="<stdin>")
        sys.stdout.write(result.english + ("\n" if result.english else ""))
        return
    from fr2en.batch import run_batch

    report = run_batch(
        paths,
        settings.output.directory,
        settings,
        show_progress=False if quiet else None,
        force=force,
        cache=not no_cache,
        executor=executor,
    )
    done = sum(1 for d in report.documents if d.status == "done")
    skipped = sum(1 for d in report.documents if d.status == "skipped")
    failed = report.failed
    if not quiet:
        typer.echo(
            f"fr2en: {done} document(s) translated into {report.output_dir}/"
            f"{f', {skipped} unchanged and skipped' if skipped else ''}"
            f"{f', {len(failed)} failed (see report.json)' if failed else ''}",
            err=True,
        )
    for document in failed:
        typer.echo(f"fr2en: failed: {document.error}", err=True)
    if failed:
        raise typer.Exit(1)
