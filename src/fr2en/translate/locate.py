"""Locating a model's files: the tiny test model, a local folder, or the Hugging Face hub.

Every kind resolves to a local folder in Marian format plus a revision string (a
:class:`LocatedModel`), so the translators have one loading path. Hub models are fetched into the
standard Hugging Face cache (with download progress) and the revision is the commit they were
fetched at. A hub whose name does not resolve, or that refuses the connection, is unreachable for
good: that is said in one line at once, without the hub client's retries.
"""

from __future__ import annotations

import errno
import hashlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from fr2en.config import TINY_MODEL, cache_dir
from fr2en.errors import ModelLoadError

# What a Marian model folder needs; weights are chosen separately so that only one format downloads.
_HUB_FILES = [
    "config.json",
    "generation_config.json",
    "source.spm",
    "target.spm",
    "vocab.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
]
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


@dataclass(frozen=True)
class LocatedModel:
    """A model ready to load: its name as given, its local folder and the revision it is at."""

    name: str
    path: Path
    revision: str


# The former name of LocatedModel ("source" means the French text everywhere else in fr2en).
ModelSource = LocatedModel
# Errors after which trying again cannot help: nothing listens, or no route to the host.
_FINAL_ERRNOS = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL}
# How long the reachability probe waits for the hub to accept a connection.
PROBE_SECONDS = 10.0
# The prefix of the revision planned for a model that is not here (see model_revision).
UNRESOLVED = "unresolved:"


def remedies(name: str) -> str:
    """What a user without the model can do, in one line."""
    return (
        f"run `fr2en models download {name}` on a connected machine, pass --model PATH to a local copy, "
        "or try the tiny CPU test model (--model fr2en:tiny)"
    )


def _fingerprint(path: Path) -> str:
    """A cheap content digest of a local model folder: its config and the size and ends of its weights."""
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        if not file.is_file():
            continue
        digest.update(file.name.encode())
        if file.suffix in (".json", ".spm") or file.stat().st_size <= (1 << 21):
            digest.update(file.read_bytes())
            continue
        size = file.stat().st_size
        digest.update(str(size).encode())
        with file.open("rb") as handle:
            digest.update(handle.read(1 << 20))
            handle.seek(size - (1 << 20))
            digest.update(handle.read())
    return "sha256:" + digest.hexdigest()[:16]


def _local(path: Path, name: str) -> LocatedModel:
    if not path.is_dir():
        raise ModelLoadError(
            f"model path {name} is not a folder; pass a folder holding config.json and the weights"
        )
    if not (path / "config.json").is_file():
        raise ModelLoadError(
            f"model folder {name} has no config.json; is it a Marian model saved with save_pretrained?"
        )
    return LocatedModel(name=name, path=path.resolve(), revision=_fingerprint(path))


def looks_like_path(name: str) -> bool:
    """Whether a model name is meant as a folder (``./m``, ``/m``, ``~/m``, ``a/b/c``), not a hub id."""
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or (os.sep != "/" and os.sep in name)


def _hub(name: str, revision: str, download: bool) -> LocatedModel:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        folder = snapshot_download(name, revision=revision or None, local_files_only=True)
    except (LocalEntryNotFoundError, OSError, ValueError):
        folder = None
    if folder is None:
        if not download:
            raise ModelLoadError(f"model {name} is not in the local cache; {remedies(name)}")
        weights = _pick_weights(name, revision)
        try:
            folder = snapshot_download(name, revision=revision or None, allow_patterns=[*_HUB_FILES, weights])
        except LocalEntryNotFoundError:
            raise ModelLoadError(
                f"model {name} is not in the local cache and cannot be downloaded (offline?); {remedies(name)}"
            ) from None
        except HfHubHTTPError as exc:
            raise ModelLoadError(
                f"cannot download model {name}: {str(exc).splitlines()[0]}; {remedies(name)}"
            ) from None
        except Exception as exc:
            # Network failures are OSErrors with requests, httpx or httpx2 errors with later clients.
            raise ModelLoadError(f"cannot download model {name}: {exc}; {remedies(name)}") from None
    path = Path(folder)
    return LocatedModel(name=name, path=path, revision=path.name)


def unreachable_hub(endpoint: str, timeout: float = PROBE_SECONDS) -> str | None:
    """Why the hub at ``endpoint`` cannot be reached at all, or None when it may be.

    One connection attempt: a host name that does not resolve, a refused connection or no route
    is final (the hub client would retry it for about 20 s). A timeout or anything else is left to
    the client, and so is an endpoint reached through a proxy (the proxy decides).
    """
    import urllib.request
    from urllib.parse import urlsplit

    url = urlsplit(endpoint)
    host = url.hostname
    if not host:
        return None
    proxies = urllib.request.getproxies()
    if proxies.get(url.scheme) and not urllib.request.proxy_bypass(host):
        return None
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except socket.gaierror as exc:
        return f"{host} cannot be resolved ({exc.strerror or exc})"
    except OSError as exc:
        if exc.errno in _FINAL_ERRNOS:
            return f"{host}:{port}: {exc.strerror or exc}"
        return None


def _pick_weights(name: str, revision: str) -> str:
    """Safetensors when the repository has them, else the PyTorch pickle; never both."""
    from huggingface_hub import HfApi, constants

    if constants.HF_HUB_OFFLINE:
        raise ModelLoadError(
            f"model {name} is not in the local cache and HF_HUB_OFFLINE is set; {remedies(name)}"
        )
    why = unreachable_hub(constants.ENDPOINT)
    if why is not None:
        raise ModelLoadError(
            f"model {name} is not in the local cache and cannot be downloaded ({why}); {remedies(name)}"
        )
    try:
        listed = set(HfApi().list_repo_files(name, revision=revision or None))
    except Exception as exc:
        # As in _hub: what a failed request raises depends on the hub client's HTTP library.
        message = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ModelLoadError(
            f"model {name} is not in the local cache and cannot be downloaded ({message}); {remedies(name)}"
        ) from None
    for candidate in _WEIGHT_FILES:
        if candidate in listed:
            return candidate
    raise ModelLoadError(
        f"model {name} has no PyTorch weights ({', '.join(_WEIGHT_FILES)}); is it a Marian model?"
    )


def model_revision(name: str, revision: str = "") -> str:
    """The revision :func:`resolve_model` would give, found without building, downloading or loading.

    The tiny model's version, a local folder's fingerprint, or the commit of a hub model's cached
    snapshot. A model that cannot be found gets ``unresolved:<revision>``, which matches no revision
    a model was ever loaded at (loading it will then say what is wrong).
    """
    if name == TINY_MODEL:
        from fr2en.translate.tiny import TINY_VERSION

        return TINY_VERSION
    try:
        if Path(name).expanduser().exists():
            return _local(Path(name).expanduser(), name).revision
        if not looks_like_path(name):
            return _hub(name, revision, download=False).revision
    except (ModelLoadError, OSError):
        pass
    return f"{UNRESOLVED}{revision or 'default'}"


def resolve_model(name: str, revision: str = "", *, download: bool = True) -> LocatedModel:
    """Find (and, for a hub model, fetch when ``download``) the model called ``name``.

    ``fr2en:tiny`` builds the tiny test model on first use; an existing folder is used as it is;
    anything else is a Hugging Face model id.
    """
    if name == TINY_MODEL:
        from fr2en.translate.tiny import TINY_VERSION, tiny_model_dir

        return LocatedModel(name=name, path=tiny_model_dir(cache_dir()), revision=TINY_VERSION)
    path = Path(name).expanduser()
    if path.exists():
        return _local(path, name)
    if looks_like_path(name):
        raise ModelLoadError(f"no model folder at {name}; check the path given to --model")
    return _hub(name, revision, download)
