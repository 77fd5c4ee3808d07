"""The ``fr2en`` command: a few lines per command over the library, errors turned into exit codes here.

Exit codes: 0 success, 1 failure (of any document, or of the model), 2 usage error, 130 interrupted.
A failure prints one line on stderr; ``FR2EN_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click
import typer

from fr2en._version import __version__
from fr2en.cli import align, models, translate

app = typer.Typer(
    name="fr2en",
    help="French→English translation and bilingual alignment, with a quality score on every sentence pair.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("translate", no_args_is_help=True)(translate.translate_command)
app.command("align", no_args_is_help=True)(align.align_command)
app.add_typer(models.app, name="models")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fr2en {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """French→English translation and bilingual alignment with per-sentence quality scores."""


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"fr2en: error: {message}\n")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return (and, as a console script, exit with) the exit code."""
    from fr2en.errors import Fr2EnError

    command = typer.main.get_command(app)
    debug = os.environ.get("FR2EN_DEBUG", "") not in ("", "0")
    try:
        result = command.main(args=list(argv) if argv is not None else None, prog_name="fr2en",
                              standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        return _fail("interrupted", 130)
    except click.ClickException as exc:
        if debug:
            raise
        exc.show()
        return exc.exit_code
    except Fr2EnError as exc:
        if debug:
            raise
        return _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        if debug:
            raise
        return _fail("interrupted; finished documents and report.json are kept, rerun to continue", 130)
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
