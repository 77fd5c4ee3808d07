"""The ``fr2en`` command: a few lines per command over the library, errors turned into exit codes here.

Exit codes: 0 success, 1 failure (of any document, or of the model), 2 usage error, 130 interrupted.
A failure prints one line on stderr; ``FR2EN_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from fr2en._version import __version__
from fr2en.cli import align, models, score, serve, translate
from fr2en.cli.options import guarded, tidy_help

app = typer.Typer(
    name="fr2en",
    help="French→English translation and bilingual alignment, with a quality score on every sentence pair.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# No no_args_is_help on the commands: run without its arguments, a command says which are missing.
app.command("translate")(guarded(translate.translate_command))
app.command("align")(guarded(align.align_command))
app.command("score")(guarded(score.score_command))
app.command("evaluate")(guarded(score.evaluate_command))
app.command("serve")(guarded(serve.serve_command))
app.add_typer(models.app, name="models")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fr2en {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """French→English translation and bilingual alignment with per-sentence quality scores."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (typer reports its own usage errors, exit 2)."""
    command = tidy_help(typer.main.get_command(app))
    try:
        command.main(args=list(argv) if argv is not None else None, prog_name="fr2en", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
