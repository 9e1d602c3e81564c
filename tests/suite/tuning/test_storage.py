"""Storage URLs: masking, unsupported schemes, the one-process SQLite."""

import pytest

from suite.errors import ConfigError
from suite.tuning import load_study_config, run_study
from suite.tuning.storage import mask_url, open_storage
from tests.suite.tuning.conftest import TINY_GRID


def test_mask_url_hides_only_the_password():
    assert mask_url("postgresql+psycopg://al:s3cr%40t@db:5432/st") == "postgresql+psycopg://al:***@db:5432/st"
    assert mask_url("postgresql://al@db/st") == "postgresql://al@db/st"
    assert mask_url("runs/x.journal") == "runs/x.journal"


def test_kinds(tmp_path):
    assert open_storage(str(tmp_path / "a.journal")).kind == "journal"
    assert open_storage(f"journal:{tmp_path / 'b.log'}").multi_process is True
    sqlite = open_storage(f"sqlite:///{tmp_path / 'c.db'}")
    assert (sqlite.kind, sqlite.multi_process) == ("sqlite", False)


def test_unsupported_scheme_is_refused_with_the_password_masked():
    with pytest.raises(ConfigError, match=r"storage 'mysql://u:\*\*\*@h/d' is not supported; give a journal file"):
        open_storage("mysql://u:pw@h/d")


def test_sqlite_refuses_several_workers(tmp_path):
    cfg = load_study_config("tune-quick", TINY_GRID)
    with pytest.raises(ConfigError, match=r"is for one process only, but got workers=2; use a journal file"):
        run_study(cfg, storage=f"sqlite:///{tmp_path / 's.db'}", workers=2, track=False)


def test_unreachable_postgres_is_a_one_line_error():
    with pytest.raises(ConfigError, match=r"cannot open the PostgreSQL storage postgresql\+psycopg://u:\*\*\*@127.0.0.1:1/x"):
        open_storage("postgresql://u:secret@127.0.0.1:1/x")
