"""Where studies live, and the lock that makes "exactly N trials" hold across workers.

=====================================  =========================================  ==========
storage                                what                                       workers
=====================================  =========================================  ==========
(default) ``alsuite-studies.journal``  Optuna journal file in the working folder   one machine
``journal:PATH`` or ``PATH.journal``   Optuna journal file                        one machine
``postgresql://user:pw@host/db``       PostgreSQL (credentials in the URL or in   many machines
                                       ``PGPASSWORD`` / ``~/.pgpass``)
``sqlite:///PATH``                     SQLite: one process only                   1
=====================================  =========================================  ==========

Optuna alone cannot promise an exact total with several workers: each checks the
count and then creates a trial, so two can both see "one left". Workers therefore
claim trials under :meth:`StudyStorage.claim_lock`: an ``flock`` on a file beside
the journal, or a PostgreSQL advisory lock keyed by the study name. URLs are shown
and logged only through :func:`mask_url`.
"""

from __future__ import annotations

import fcntl
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import optuna
from optuna.storages import BaseStorage, JournalStorage, RDBStorage
from optuna.storages.journal import JournalFileBackend

from suite.errors import ConfigError

__all__ = ["DEFAULT_STORAGE", "StudyStorage", "load_or_create", "mask_url", "open_storage"]

DEFAULT_STORAGE = "alsuite-studies.journal"

_LOCAL = threading.Lock()


def mask_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (what may be printed or logged).

    Examples
    --------
    >>> mask_url("postgresql://al:secret@db.example.org:5432/studies")
    'postgresql://al:***@db.example.org:5432/studies'
    """
    if "://" not in url:
        return url
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: keep only the scheme
        return url.split("://", 1)[0] + "://***"


@dataclass
class StudyStorage:
    """An Optuna storage plus its claim lock.

    Attributes
    ----------
    url : str
        As given (may hold credentials: never log it, log :attr:`masked`).
    kind : {"journal", "postgresql", "sqlite"}
    multi_process : bool
        Whether several processes may share it.
    """

    url: str
    kind: str
    storage: BaseStorage
    multi_process: bool
    _lock_path: Path | None = None
    _engine: object | None = field(default=None, repr=False)

    @property
    def masked(self) -> str:
        return mask_url(self.url)

    @contextmanager
    def claim_lock(self, study_name: str) -> Iterator[None]:
        """Hold the study's claim lock: one worker at a time counts, creates or finishes trials."""
        with _LOCAL:
            if self._lock_path is not None:
                with open(self._lock_path, "a+") as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX)
                    try:
                        yield
                    finally:
                        fcntl.flock(handle, fcntl.LOCK_UN)
            elif self._engine is not None:
                from sqlalchemy import text

                key = zlib.crc32(f"alsuite-study:{study_name}".encode()) - 2**31
                with self._engine.connect() as conn:  # type: ignore[attr-defined]
                    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
                    try:
                        yield
                    finally:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                        conn.commit()
            else:
                yield


def open_storage(url: str | None = None) -> StudyStorage:
    """Open the storage named by ``url`` (default: the journal file ``alsuite-studies.journal``).

    Raises
    ------
    ConfigError
        For a URL scheme other than a journal file, ``postgresql`` or ``sqlite``, or a
        PostgreSQL server that cannot be reached (the message shows the masked URL).
    """
    url = url or DEFAULT_STORAGE
    if url.startswith("journal:") or "://" not in url:
        path = Path(url.removeprefix("journal:")).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        backend = JournalFileBackend(str(path))
        return StudyStorage(url, "journal", JournalStorage(backend), True, _lock_path=path.with_name(path.name + ".claim"))
    scheme = url.split("://", 1)[0].split("+", 1)[0]
    if scheme == "sqlite":
        return StudyStorage(url, "sqlite", RDBStorage(url), False)
    if scheme in {"postgresql", "postgres"}:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        if "+" not in url.split("://", 1)[0]:  # name the driver: SQLAlchemy's default differs by version
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        try:
            storage = RDBStorage(url, engine_kwargs={"pool_pre_ping": True})
        except Exception as exc:
            raise ConfigError(f"cannot open the PostgreSQL storage {mask_url(url)}: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0][:200]}. Check the server, database and credentials.") from None
        return StudyStorage(url, "postgresql", storage, True, _engine=create_engine(url, poolclass=NullPool))
    raise ConfigError(
        f"storage {mask_url(url)!r} is not supported; give a journal file (PATH.journal or journal:PATH), "
        "postgresql://user@host/db, or sqlite:///PATH (one process)."
    )


def load_or_create(storage: StudyStorage, name: str, directions: Sequence[Literal["maximize", "minimize"]]) -> optuna.Study:
    """Create the study, or load it if it exists (with a matching number of objectives)."""
    study = optuna.create_study(storage=storage.storage, study_name=name, directions=directions, load_if_exists=True)
    existing = [d.name.lower() for d in study.directions]
    if existing != list(directions):
        raise ConfigError(
            f"study {name!r} in {storage.masked} optimises {existing}, but this configuration asks for "
            f"{list(directions)}; use another study name (tuning.study) or the same objectives."
        )
    return study
