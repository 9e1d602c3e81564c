import hashlib
from pathlib import Path

import pytest

from datasets.data_dir import DataFile, DataFileError, cache_dir, locate

CONTENT = b"alsuite test payload\n"
SPEC = DataFile("payload.bin", hashlib.sha256(CONTENT).hexdigest())


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ALSUITE_DATA_DIR", raising=False)
    return tmp_path


def test_env_dir_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / SPEC.name).write_bytes(CONTENT)
    cache_dir().mkdir(parents=True)
    (cache_dir() / SPEC.name).write_bytes(CONTENT)
    monkeypatch.setenv("ALSUITE_DATA_DIR", str(tmp_path / "data"))
    assert locate(SPEC) == tmp_path / "data" / SPEC.name


def test_cache_is_used_when_env_dir_lacks_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALSUITE_DATA_DIR", str(tmp_path / "empty"))
    cache_dir().mkdir(parents=True)
    (cache_dir() / SPEC.name).write_bytes(CONTENT)
    assert locate(SPEC) == cache_dir() / SPEC.name


def test_download_lands_in_cache_after_checksum(tmp_path: Path):
    source = tmp_path / "remote.bin"
    source.write_bytes(CONTENT)
    spec = DataFile(SPEC.name, SPEC.sha256, url=source.as_uri())
    path = locate(spec)
    assert path == cache_dir() / SPEC.name and path.read_bytes() == CONTENT
    source.unlink()
    assert locate(spec) == path  # downloaded once, then found in the cache


def test_download_with_wrong_checksum_is_discarded(tmp_path: Path):
    source = tmp_path / "remote.bin"
    source.write_bytes(b"tampered")
    spec = DataFile(SPEC.name, SPEC.sha256, url=source.as_uri())
    with pytest.raises(DataFileError, match="has sha256"):
        locate(spec)
    assert list(cache_dir().iterdir()) == []


def test_failed_download_says_where_to_put_the_file(tmp_path: Path):
    spec = DataFile(SPEC.name, SPEC.sha256, url=(tmp_path / "missing.bin").as_uri())
    with pytest.raises(DataFileError, match=r"download from .* failed.*set ALSUITE_DATA_DIR"):
        locate(spec)


def test_corrupt_local_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / SPEC.name).write_bytes(b"corrupt")
    monkeypatch.setenv("ALSUITE_DATA_DIR", str(tmp_path))
    with pytest.raises(DataFileError, match=rf"{SPEC.name} has sha256 .* delete it"):
        locate(SPEC)
