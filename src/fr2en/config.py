"""Every default in one place, and how settings are layered.

Precedence, highest first: a command-line flag > an ``FR2EN_<SECTION>_<KEY>`` environment variable >
the TOML file given with ``--config`` > the defaults below. ``configs/default.toml`` spells the
defaults out and a test keeps the two equal.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from fr2en.errors import ConfigError

# Kept importable from here: the model builders call it as config.cached_folder.
from fr2en.fsutil import cached_folder as cached_folder

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-fr-en"
TINY_MODEL = "fr2en:tiny"
ALL_FORMATS = ("txt", "tsv", "jsonl", "tmx", "html", "md", "xlf")
DEVICES = ("auto", "cpu", "cuda")
# What the model translates at a time: one sentence, or a whole paragraph (better pronouns and
# connectives; its English is then split into sentences and aligned back to the French ones).
UNITS = ("sentence", "paragraph")
BACKENDS = ("auto", "torch", "ct2")


@dataclass(frozen=True)
class ModelSettings:
    """Which model translates, on what, and how it decodes."""

    name: str = DEFAULT_MODEL
    revision: str = ""
    # auto picks ct2 (CTranslate2, int8 on CPU) when the fr2en[fast] extra is installed, else torch.
    backend: str = "auto"
    device: str = "auto"
    # CPU threads for the model; 0 uses every core this process may run on.
    threads: int = 0
    beam: int = 4
    # Source tokens per batch (padding included); the torch backend divides it by the beam size
    # (its beam search keeps full-vocabulary scores for every hypothesis), CTranslate2 need not.
    batch_tokens: int = 4096
    # Sentences per batch at most. On a CPU a batch also holds at most 64 hypotheses (sentences ×
    # beam): bigger batches only add cache misses there (benchmarks/batch_size.py).
    max_batch_sentences: int = 64
    # The model's window; longer sentences are split at safe points and translated in parts.
    max_input_tokens: int = 512
    # max_new_tokens = ratio × source tokens + margin, capped by the window.
    max_new_tokens_ratio: float = 2.0
    max_new_tokens_margin: int = 16
    unit: str = "sentence"


@dataclass(frozen=True)
class ScoreSettings:
    """When a pair is flagged for a second look."""

    threshold: float = 0.5


@dataclass(frozen=True)
class OutputSettings:
    """Where outputs go and in which formats."""

    directory: str = "outputs"
    formats: tuple[str, ...] = ALL_FORMATS


# How a web page is read: its article only (title and paragraphs, the rest dropped), or the whole
# page translated in place into name.en.html (see docs/formats.md).
HTML_MODES = ("article", "page")


@dataclass(frozen=True)
class InputSettings:
    """How formatted inputs are read."""

    html: str = "article"


@dataclass(frozen=True)
class ServeSettings:
    """``fr2en serve``: where it listens and the limits on what one request may ask (docs/serve.md)."""

    host: str = "127.0.0.1"
    port: int = 5000
    # Characters of text per request (every q of a list together); -1: no limit.
    char_limit: int = 10000
    # Texts in one list-valued q; -1: no limit.
    batch_limit: int = 128
    # Bytes of request body (413 beyond).
    body_limit: int = 2_000_000
    # Seconds a request may wait for its translation (504 beyond).
    timeout_s: float = 120.0
    # How long the first sentences wait for those of concurrent requests before the model runs.
    batch_window_ms: float = 5.0
    # A file of API keys, one a line; empty: no keys asked for.
    api_keys_file: str = ""
    # Requests per minute per API key (or per client address without one); 0: no limit.
    rate_limit: int = 0


@dataclass(frozen=True)
class BatchSettings:
    """How a batch run streams documents through the model (see :mod:`fr2en.executors`)."""

    # Sentences (units) of consecutive documents planned into shared batches at a time: memory is
    # bounded by it, not by the number or size of the documents.
    window_sentences: int = 2048


@dataclass(frozen=True)
class RaySettings:
    """Where and how ``--executor ray`` translates (see :mod:`fr2en.executors.ray`)."""

    # A Ray cluster's address (``ray://host:10001`` or ``host:6379``); empty: ``RAY_ADDRESS``, else a
    # local Ray started for the run.
    address: str = ""
    # Translation actors (one model each); 0: one per CPU of the cluster.
    workers: int = 0
    # CPUs each actor asks Ray for (fractional is fine) and, when model.threads is 0, the model's
    # threads (rounded up). Half a CPU leaves room for Ray's other tasks on a 2-core machine.
    cpus_per_worker: float = 0.5
    # GPUs each actor asks Ray for (0: none; fractional shares a GPU between actors).
    gpus_per_worker: float = 0.0


@dataclass(frozen=True)
class Settings:
    """All of fr2en's settings."""

    model: ModelSettings = field(default_factory=ModelSettings)
    score: ScoreSettings = field(default_factory=ScoreSettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    input: InputSettings = field(default_factory=InputSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    batch: BatchSettings = field(default_factory=BatchSettings)
    ray: RaySettings = field(default_factory=RaySettings)


def _coerce(value: Any, annotation: Any, where: str) -> Any:
    """Turn a TOML or environment value into the field's type, or explain why it cannot be."""
    if annotation in ("str", str):
        if isinstance(value, str):
            return value
    elif annotation in ("int", int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
    elif annotation in ("float", float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
    elif annotation in ("tuple[str, ...]",):
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
    kind = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    raise ConfigError(f"{where}: expected {kind}, got {value!r}")


def _section_types() -> dict[str, type[Any]]:
    hints = typing.get_type_hints(Settings)
    # isinstance(..., type) first: is_dataclass alone would also accept dataclass instances.
    return {
        name: hint
        for name, hint in hints.items()
        if isinstance(hint, type) and dataclasses.is_dataclass(hint)
    }


def _apply(settings: Settings, values: Mapping[str, Mapping[str, Any]], origin: str) -> Settings:
    """Overlay ``{section: {key: value}}`` on ``settings``, checking names and types."""
    sections = _section_types()
    for section, entries in values.items():
        if section not in sections:
            raise ConfigError(f"{origin}: unknown section [{section}] (known: {', '.join(sections)})")
        if not isinstance(entries, Mapping):
            raise ConfigError(f"{origin}: [{section}] must be a table of settings")
        current = getattr(settings, section)
        known = {f.name: f for f in fields(current)}
        changes: dict[str, Any] = {}
        for key, raw in entries.items():
            if key not in known:
                raise ConfigError(
                    f"{origin}: unknown setting {section}.{key} (known: {', '.join(sorted(known))})"
                )
            changes[key] = _coerce(raw, known[key].type, f"{origin}: {section}.{key}")
        settings = replace(settings, **{section: replace(current, **changes)})
    return settings


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML settings file, turning every failure into one clear ConfigError."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def env_values(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Collect ``FR2EN_<SECTION>_<KEY>`` variables as ``{section: {key: value}}``."""
    values: dict[str, dict[str, str]] = {}
    for section, kind in _section_types().items():
        for f in fields(kind):
            name = f"FR2EN_{section}_{f.name}".upper()
            if name in environ:
                values.setdefault(section, {})[f.name] = environ[name]
    return values


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where fr2en keeps what it builds or caches: ``FR2EN_CACHE_DIR``, else the user cache folder."""
    env = os.environ if environ is None else environ
    if env.get("FR2EN_CACHE_DIR"):
        return Path(env["FR2EN_CACHE_DIR"]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("fr2en"))


def validate(settings: Settings) -> Settings:
    """Check values that have a type but not every value of it makes sense."""
    model, score, output = settings.model, settings.score, settings.output
    if model.backend not in BACKENDS:
        raise ConfigError(f"model.backend must be one of {', '.join(BACKENDS)}, got {model.backend!r}")
    if model.threads < 0:
        raise ConfigError(f"model.threads must be 0 (every core) or more, got {model.threads}")
    if model.device not in DEVICES:
        raise ConfigError(f"model.device must be one of {', '.join(DEVICES)}, got {model.device!r}")
    if model.unit not in UNITS:
        raise ConfigError(f"model.unit must be one of {', '.join(UNITS)}, got {model.unit!r}")
    if model.beam < 1:
        raise ConfigError(f"model.beam must be at least 1, got {model.beam}")
    if model.batch_tokens < 16 or model.max_batch_sentences < 1:
        raise ConfigError("model.batch_tokens must be at least 16 and model.max_batch_sentences at least 1")
    if not 8 <= model.max_input_tokens <= 4096:
        raise ConfigError(f"model.max_input_tokens must be within 8..4096, got {model.max_input_tokens}")
    if model.max_new_tokens_ratio <= 0 or model.max_new_tokens_margin < 0:
        raise ConfigError("model.max_new_tokens_ratio must be positive and the margin not negative")
    if settings.batch.window_sentences < 1:
        raise ConfigError(f"batch.window_sentences must be at least 1, got {settings.batch.window_sentences}")
    if settings.ray.workers < 0 or settings.ray.cpus_per_worker <= 0 or settings.ray.gpus_per_worker < 0:
        raise ConfigError(
            "ray.workers must be 0 (one per CPU) or more, ray.cpus_per_worker positive "
            "and ray.gpus_per_worker not negative"
        )
    if not 0.0 <= score.threshold <= 1.0:
        raise ConfigError(f"score.threshold must be within 0..1, got {score.threshold}")
    if settings.input.html not in HTML_MODES:
        raise ConfigError(f"input.html must be one of {', '.join(HTML_MODES)}, got {settings.input.html!r}")
    _validate_serve(settings.serve)
    formats = tuple(dict.fromkeys(output.formats))
    if "all" in formats:
        formats = ALL_FORMATS
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown or not formats:
        raise ConfigError(
            f"unknown output format {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(ALL_FORMATS)} or all"
        )
    return replace(settings, output=replace(output, formats=formats))


def _validate_serve(serve: ServeSettings) -> None:
    if not 0 <= serve.port <= 65535:
        raise ConfigError(f"serve.port must be within 0..65535, got {serve.port}")
    for name in ("char_limit", "batch_limit"):
        if getattr(serve, name) < -1 or getattr(serve, name) == 0:
            raise ConfigError(f"serve.{name} must be positive or -1 (no limit), got {getattr(serve, name)}")
    if serve.body_limit < 1024:
        raise ConfigError(f"serve.body_limit must be at least 1024 bytes, got {serve.body_limit}")
    if serve.timeout_s <= 0:
        raise ConfigError(f"serve.timeout_s must be positive, got {serve.timeout_s}")
    if not 0 <= serve.batch_window_ms <= 1000:
        raise ConfigError(f"serve.batch_window_ms must be within 0..1000, got {serve.batch_window_ms}")
    if serve.rate_limit < 0:
        raise ConfigError(f"serve.rate_limit must be 0 (no limit) or more, got {serve.rate_limit}")


def load_settings(
    config_file: str | Path | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings: defaults, then the TOML file, then the environment, then ``overrides``.

    ``config_file`` is a path (str or Path); ``overrides`` holds command-line values as
    ``{section: {key: value}}``; None values are skipped.
    """
    settings = Settings()
    if config_file is not None:
        settings = _apply(settings, read_toml(config_file), str(config_file))
    settings = _apply(settings, env_values(os.environ if environ is None else environ), "environment")
    if overrides:
        given = {s: {k: v for k, v in kv.items() if v is not None} for s, kv in overrides.items()}
        settings = _apply(settings, {s: kv for s, kv in given.items() if kv}, "command line")
    return validate(settings)


def settings_as_dict(settings: Settings) -> dict[str, dict[str, Any]]:
    """The settings as plain TOML-ready tables."""
    return {
        section: {
            f.name: list(v) if isinstance(v := getattr(getattr(settings, section), f.name), tuple) else v
            for f in fields(getattr(settings, section))
        }
        for section in _section_types()
    }
