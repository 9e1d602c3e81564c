"""Find data files: ``ALSUITE_DATA_DIR``, then the user cache, then a checked download.

Nothing under the data directory is ever part of the project; users with internet
get the public file downloaded once into the cache and verified by its sha256.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DataFile", "DataFileError", "cache_dir", "locate", "sha256sum"]

ENV_VAR = "ALSUITE_DATA_DIR"


class DataFileError(RuntimeError):
    """A data file is missing, corrupt or malformed; the message says how to fix it."""


@dataclass(frozen=True)
class DataFile:
    """A public data file known by name, checksum and download address."""

    name: str
    sha256: str
    url: str | None = None
    size: int | None = None


def cache_dir() -> Path:
    """The user cache folder: ``$XDG_CACHE_HOME/alsuite`` or ``~/.cache/alsuite``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "alsuite"


def sha256sum(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify(path: Path, spec: DataFile) -> Path:
    actual = sha256sum(path)
    if actual != spec.sha256:
        raise DataFileError(
            f"{path} has sha256 {actual}, but {spec.name} must have {spec.sha256}. "
            f"The file is corrupt or a different version: delete it and put the original "
            f"file there (or let alsuite download it{' from ' + spec.url if spec.url else ''})."
        )
    return path


def _download(spec: DataFile, target: Path, timeout: float) -> Path:
    if spec.url is None:
        raise DataFileError(f"{spec.name} has no download address.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp:
        tmp_path = Path(tmp.name)
        try:
            with urllib.request.urlopen(spec.url, timeout=timeout) as response:  # noqa: S310
                shutil.copyfileobj(response, tmp)
        except BaseException:
            tmp.close()
            tmp_path.unlink(missing_ok=True)
            raise
    try:
        _verify(tmp_path, spec)
    except DataFileError:
        tmp_path.unlink(missing_ok=True)
        raise
    os.replace(tmp_path, target)
    return target


def locate(spec: DataFile, *, download: bool = True, timeout: float = 60.0) -> Path:
    """Return the verified path of ``spec``, downloading it into the cache if needed.

    Lookup order: ``$ALSUITE_DATA_DIR/<name>``, then ``cache_dir()/<name>``, then a
    download from ``spec.url`` into the cache (verified before it is kept).

    Raises
    ------
    DataFileError
        When the file is nowhere to be found or fails its checksum; the message lists
        the places searched and where to put the file.
    """
    searched: list[Path] = []
    env = os.environ.get(ENV_VAR)
    if env:
        searched.append(Path(env).expanduser() / spec.name)
    searched.append(cache_dir() / spec.name)
    for path in searched:
        if path.is_file():
            return _verify(path, spec)
    problem = "no download address is known"
    if download and spec.url:
        try:
            return _download(spec, searched[-1], timeout)
        except DataFileError:
            raise
        except Exception as exc:  # network errors of every kind end in the same advice
            problem = f"the download from {spec.url} failed ({type(exc).__name__}: {exc})"
    places = ", ".join(str(p) for p in searched)
    raise DataFileError(
        f"{spec.name} not found (looked in {places}) and {problem}. "
        f"Put the file (sha256 {spec.sha256}) in a folder and set {ENV_VAR} to it, "
        f"or copy it to {searched[-1]}."
    )
