"""A translation cache around any :class:`~fr2en.translate.Translator`, in one embedded SQLite file.

A sentence already translated by the same model, at the same revision, on the same kind of device
and with the same output-affecting settings is answered from the cache, across documents and runs;
the whole :class:`~fr2en.types.Translation` is kept (log-probabilities, token count, parts, the
length-cap flag), so scores computed from a cached translation are identical to the first ones.

Several fr2en processes may share the file: it is in WAL mode (readers never wait for a writer),
writes are short ``BEGIN IMMEDIATE`` transactions that wait for each other (busy timeout) and are
retried a few times beyond that. A cache that cannot be opened, read or written (a read-only or
full disk, a damaged file) is switched off with one warning on stderr: the run goes on, uncached.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import TypeVar

from fr2en._version import __version__
from fr2en.config import ModelSettings, cache_dir
from fr2en.translate import (
    ModelInfo,
    Progress,
    Translator,
    count_tokens_of,
    limits_of,
    translate_batches,
)
from fr2en.translate.batching import BatchLimits
from fr2en.types import Translation

CACHE_FILE = "translations.sqlite3"
# Bumped when what is stored, or how a key is made, changes: older entries then simply never match.
SCHEMA = 1
# Settings that change how fast a model translates, not what it says (or that the key names already).
# The backend asked for ("auto") is in the key as resolved, through ModelInfo.
_NOT_IN_KEY = frozenset(
    {"name", "revision", "device", "backend", "threads", "batch_tokens", "max_batch_sentences"}
)
# Sentences looked up per query, within SQLite's limit on bound parameters.
_LOOKUP_CHUNK = 500
_RETRIES = 5

log = logging.getLogger(__name__)
T = TypeVar("T")


def default_cache_path() -> Path:
    """The cache file in fr2en's cache folder (``FR2EN_CACHE_DIR``, else the user cache folder)."""
    return cache_dir() / CACHE_FILE


def cache_key(info: ModelInfo, settings: ModelSettings) -> str:
    """What must be equal for a stored translation to be reused: the model as loaded and the settings.

    Every model setting is in the key except those known not to change the output, so a setting
    added later is safe by default.
    """
    parts = [
        f"cache:{SCHEMA}",
        f"fr2en:{__version__}",
        f"model:{info.model}",
        f"rev:{info.revision}",
        f"backend:{info.backend}",
        f"device:{info.device}",
        f"precision:{info.precision or 'float32'}",
    ]
    parts.extend(
        f"{f.name}:{getattr(settings, f.name)!r}" for f in fields(settings) if f.name not in _NOT_IN_KEY
    )
    return "|".join(parts)


def _entry_id(key: str, sentence: str) -> bytes:
    return hashlib.sha256(f"{key}\0{sentence}".encode("utf-8", "surrogatepass")).digest()


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class TranslationCache:
    """The SQLite file: ``(key, sentence) → Translation``, safe to share between processes."""

    def __init__(self, path: Path | None = None, timeout: float = 30.0) -> None:
        self.path = path or default_cache_path()
        self.timeout = timeout
        self.connection: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._retry(self._prepare)
        except (sqlite3.Error, OSError) as exc:
            self._disable(exc)

    def _prepare(self) -> None:
        assert self.connection is not None
        # WAL: readers do not block the writer nor each other; NORMAL sync is still crash-safe in WAL.
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS translations (id BLOB PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID"
        )

    @property
    def enabled(self) -> bool:
        """False once the cache was switched off (it could not be used)."""
        return self.connection is not None

    def _disable(self, exc: BaseException) -> None:
        log.warning("fr2en: translation cache %s switched off for this run: %s", self.path, exc)
        self.close()

    def _retry(self, operation: Callable[[], T]) -> T:
        """Run ``operation``, retrying when another process holds the lock past the busy timeout."""
        for attempt in range(_RETRIES):
            try:
                return operation()
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or attempt == _RETRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def get_many(self, key: str, sentences: Sequence[str]) -> dict[str, Translation]:
        """The stored translations of those ``sentences`` that have one."""
        if self.connection is None or not sentences:
            return {}
        ids = {_entry_id(key, s): s for s in sentences}
        found: dict[str, Translation] = {}
        try:
            for chunk in _chunks(list(ids), _LOOKUP_CHUNK):
                query = f"SELECT id, record FROM translations WHERE id IN ({','.join('?' * len(chunk))})"
                rows = self._retry(functools.partial(self._fetch, query, chunk))
                for entry_id, record in rows:
                    found[ids[entry_id]] = Translation(**json.loads(record))
        except (sqlite3.Error, ValueError, TypeError) as exc:
            self._disable(exc)
            return {}
        return found

    def _fetch(self, query: str, params: Sequence[bytes]) -> list[tuple[bytes, str]]:
        assert self.connection is not None
        return self.connection.execute(query, params).fetchall()

    def put_many(self, key: str, translations: Sequence[tuple[str, Translation]]) -> None:
        """Store translations of sentences, in one transaction (a concurrent first copy is kept)."""
        if self.connection is None or not translations:
            return
        rows = [
            # ASCII JSON: any str (even a lone surrogate) stores and reads back exactly.
            (_entry_id(key, sentence), json.dumps(asdict(t)))
            for sentence, t in translations
        ]
        try:
            self._retry(functools.partial(self._insert, rows))
        except sqlite3.Error as exc:
            self._disable(exc)

    def _insert(self, rows: list[tuple[bytes, str]]) -> None:
        assert self.connection is not None
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            self.connection.executemany("INSERT OR IGNORE INTO translations VALUES (?, ?)", rows)
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self.connection is not None:
            connection, self.connection = self.connection, None
            with contextlib.suppress(sqlite3.Error):
                connection.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CachedTranslator:
    """Wraps a translator: sentences found in the cache are not translated again, the rest are stored.

    The wrapped translator sees the missing sentences in their first-occurrence order, which is
    what it would see of those sentences without the cache. When everything is found, it is never
    asked (a lazily loaded model then stays unloaded). ``hits``/``misses`` count unique sentences.
    """

    def __init__(self, inner: Translator, cache: TranslationCache, settings: ModelSettings) -> None:
        self.inner = inner
        self.cache = cache
        self.settings = settings
        self.hits = 0
        self.misses = 0
        self._key: str | None = None

    @property
    def info(self) -> ModelInfo:
        """The wrapped translator's info."""
        return self.inner.info

    @property
    def key(self) -> str:
        """The cache key of the wrapped translator and its settings."""
        if self._key is None:
            self._key = cache_key(self.inner.info, self.settings)
        return self._key

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translate ``sentences`` in order, asking the wrapped translator only for what is not cached."""
        if not sentences:
            return []
        unique = list(dict.fromkeys(sentences))
        found = self.cache.get_many(self.key, unique)
        missing = [s for s in unique if s not in found]
        self.hits += len(unique) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = self.inner.translate(missing, progress)
            self.cache.put_many(self.key, list(zip(missing, fresh, strict=True)))
            found.update(zip(missing, fresh, strict=True))
        elif progress is not None:
            progress(len(unique), len(unique))
        return [found[s] for s in sentences]

    def count_tokens(self, text: str) -> int:
        """The wrapped translator's token count."""
        return count_tokens_of(self.inner)(text)

    def batch_limits(self) -> BatchLimits:
        """The wrapped translator's batch limits."""
        return limits_of(self.inner, self.settings)

    def translate_batches(
        self, batches: Sequence[Sequence[str]], progress: Progress | None = None
    ) -> Iterator[list[Translation]]:
        """Translate planned batches, looking each batch up as a whole, so the cache never changes them.

        A batch whose sentences are all stored is answered from the cache; any other is translated
        in full by the wrapped translator (what it would get without the cache) and stored.
        """
        answered: list[dict[str, Translation] | None] = []
        for batch in batches:
            unique = list(dict.fromkeys(batch))
            found = self.cache.get_many(self.key, unique) if unique else {}
            complete = len(found) == len(unique)
            self.hits += len(found) if complete else 0
            self.misses += 0 if complete else len(unique)
            answered.append(found if complete else None)
        missing = [list(batch) for batch, found in zip(batches, answered, strict=True) if found is None]
        fresh = translate_batches(self.inner, missing) if missing else iter(())
        for batch, stored in zip(batches, answered, strict=True):
            if stored is not None:
                yield [stored[s] for s in batch]
                continue
            translations = next(fresh)
            self.cache.put_many(self.key, list(zip(batch, translations, strict=True)))
            yield translations
