"""``fr2en serve``."""

from __future__ import annotations

from pathlib import Path

import typer

from fr2en.cli.options import (
    BackendOption,
    BeamOption,
    ConfigOption,
    DeviceOption,
    ModelOption,
    settings_from,
)


def serve_command(
    host: str | None = typer.Option(
        None, "--host", metavar="HOST", help="Address to listen on (default: 127.0.0.1)."
    ),
    port: int | None = typer.Option(
        None, "--port", "-p", metavar="PORT", help="Port to listen on (default: 5000)."
    ),
    config: Path | None = ConfigOption,
    model: str | None = ModelOption,
    beam: int | None = BeamOption,
    backend: str | None = BackendOption,
    device: str | None = DeviceOption,
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor fill the translation cache."),
) -> None:
    """Serve a LibreTranslate-compatible API, fr2en's own API (/v1) and a review page (needs the serve extra).

    The model is loaded once at start-up; see docs/serve.md for the API, limits and keys.
    """
    from fr2en.serve import require_extra, serve

    require_extra()
    settings = settings_from(
        config,
        model={"name": model, "beam": beam, "backend": backend, "device": device},
        serve={"host": host, "port": port},
    )
    serve(settings, cache=not no_cache)
