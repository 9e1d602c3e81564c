"""The external-program oracle against a script with a known boundary (the oblique plane)."""

import sys
import time

import numpy as np
import pytest

from datasets.oracles import CommandOracle, Hyperplane, OracleError
from datasets.oracles.external import read_labels, write_points
from datasets.space import Space
from tests.oracle_script import command, write_script

SPACE = Space.unit_cube(3)
PLANE = Hyperplane(3)


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    return write_script(tmp_path_factory.mktemp("oracle"))


@pytest.fixture
def points():
    x = SPACE.sample(40, np.random.default_rng(1))
    x[:, 0] *= 0.8
    x[np.arange(40) % 5 == 3, 0] = 0.5
    x[5, 0], x[17, 0] = 0.95, 0.99  # the two rows the misbehaving modes pick on
    return x


def test_labels_equal_the_analytic_plane(script, points):
    oracle = CommandOracle(SPACE, command(script))
    np.testing.assert_array_equal(oracle.label(points), PLANE.label(points))
    assert PLANE.label(points).sum() not in (0, 40)  # both classes present


def test_points_file_has_named_columns_and_full_precision():
    x = np.array([[0.1, 1 / 3, 2e-17]])
    text = write_points(x, ["M1", "M2", "tanb"])
    assert text.splitlines()[0] == "id,M1,M2,tanb"
    assert [float(v) for v in text.splitlines()[1].split(",")[1:]] == [0.1, 1 / 3, 2e-17]


@pytest.mark.parametrize("mode", ["ids", "stdout"])
def test_ids_in_any_order_and_labels_on_stdout(script, points, mode):
    cmd = command(script, mode)
    if mode == "stdout":
        cmd[-1] = "unused"  # no {output}: labels are read from standard output
    np.testing.assert_array_equal(CommandOracle(SPACE, cmd).label(points), PLANE.label(points))


def test_points_on_stdin_when_no_input_placeholder(points):
    code = "import sys; rows = sys.stdin.read().splitlines()[1:]; print(*[int(r.split(',')[1] == '0.5') for r in rows], sep=chr(10))"
    y = CommandOracle(SPACE, [sys.executable, "-c", code]).label(points)
    np.testing.assert_array_equal(y, (points[:, 0] == 0.5).astype(np.int8))
    assert y.sum() == 8


def test_word_labels_through_a_declared_coding(script, points):
    oracle = CommandOracle(SPACE, command(script, "words"), labels={"allowed": 1, "excluded": 0})
    np.testing.assert_array_equal(oracle.label(points), PLANE.label(points))
    with pytest.raises(OracleError, match=r"labels outside the declared coding \['0', '1'\] at rows \[0, 1, 2"):
        CommandOracle(SPACE, command(script, "words")).label(points)


def test_too_few_rows_name_the_missing_rows_and_the_command(script, points):
    with pytest.raises(OracleError, match=r"returned 38 rows for 40 points \(missing rows \[38, 39\]\)") as err:
        CommandOracle(SPACE, command(script, "short")).label(points)
    assert "oracle_script.py" in str(err.value) and "'short'" in str(err.value)


def test_extra_rows_fail_the_whole_call(script, points):
    with pytest.raises(OracleError, match=r"returned 41 rows for 40 points \(extra rows \[40\]\)"):
        CommandOracle(SPACE, command(script, "extra")).label(points)


def test_out_of_coding_label_names_row_and_value(script, points):
    with pytest.raises(OracleError, match=r"rows \[0\] \(values \['2'\]\)"):
        CommandOracle(SPACE, command(script, "bad")).label(points)


def test_crash_reports_exit_status_stderr_and_rows(script, points):
    with pytest.raises(OracleError, match=r"exited with status 139 on rows \[0, 1, 2, .*simulator crashed on a point"):
        CommandOracle(SPACE, command(script, "crash")).label(points)
    clean = points[points[:, 0] <= 0.9]
    np.testing.assert_array_equal(CommandOracle(SPACE, command(script, "crash")).label(clean), PLANE.label(clean))


def test_failed_rows_are_excluded_never_labelled(script, points):
    oracle = CommandOracle(SPACE, command(script, "holes"), retries=2, on_failure="exclude")
    y, ok = oracle.label_partial(points)
    assert np.flatnonzero(~ok).tolist() == [5, 17]
    np.testing.assert_array_equal(y[ok], PLANE.label(points)[ok])
    with pytest.raises(OracleError, match=r"gave no valid label to 2 of 40 points \(batch rows \[5, 17\]\) after 3 attempt"):
        CommandOracle(SPACE, command(script, "holes"), retries=2).label(points)


def test_retry_relabels_only_failed_points(script, points, tmp_path, monkeypatch):
    monkeypatch.setenv("ORACLE_FLAG", str(tmp_path / "flag"))
    monkeypatch.setenv("ORACLE_LOG", str(tmp_path / "log"))
    y = CommandOracle(SPACE, command(script, "flaky"), retries=1).label(points)
    np.testing.assert_array_equal(y, PLANE.label(points))
    assert len((tmp_path / "log").read_text().splitlines()) == 40  # first attempt labelled nothing
    (tmp_path / "flag").unlink()
    with pytest.raises(OracleError, match=r"exited with status 1 .*licence server unreachable"):
        CommandOracle(SPACE, command(script, "flaky")).label(points)


def test_timeout_kills_the_program(script, points):
    oracle = CommandOracle(SPACE, command(script, "hang"), timeout=1.0, retries=1, on_failure="exclude")
    t0 = time.perf_counter()
    y, ok = oracle.label_partial(points[:3])
    assert not ok.any() and time.perf_counter() - t0 < 20
    with pytest.raises(OracleError, match=r"timed out after 1.0 s and was killed"):
        CommandOracle(SPACE, command(script, "hang"), timeout=1.0).label(points[:3])


def test_shell_command_string(script, points):
    cmd = " ".join(command(script)[:3]) + " {input} {output}"
    np.testing.assert_array_equal(CommandOracle(SPACE, cmd, shell=True).label(points), PLANE.label(points))


def test_bad_settings_are_named():
    with pytest.raises(OracleError, match="could not be started"):
        CommandOracle(SPACE, ["/no/such/simulator", "{input}"]).label(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="empty command"):
        CommandOracle(SPACE, [])
    with pytest.raises(ValueError, match="timeout must be positive"):
        CommandOracle(SPACE, ["true"], timeout=0)
    with pytest.raises(ValueError, match=r"retries must be at least 0, but got retries=-1"):
        CommandOracle(SPACE, ["true"], retries=-1)
    with pytest.raises(ValueError, match="on_failure must be 'fail' or 'exclude'"):
        CommandOracle(SPACE, ["true"], on_failure="skip")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one raw value to each of 0"):
        CommandOracle(SPACE, ["true"], labels={"yes": 1})
    with pytest.raises(ValueError, match="map raw values to 0"):
        CommandOracle(SPACE, ["true"], labels={"yes": 1, "no": 0, "maybe": 2})


def test_read_labels_reports_unknown_ids_and_headerless_columns():
    coding = {"0": 0, "1": 1}
    assert read_labels("id,label\n0,1\n5,0\n", 2, coding).problems == [
        "unknown id 5 in the output (extra rows; ids must be 0..1, once each)"]
    assert read_labels("id,label\n0,1\n0,0\n", 2, coding).problems[0].startswith("duplicate id 0")
    assert read_labels("1,0\n", 1, coding).problems == ["output has 2 columns but no header naming 'label' (and 'id')"]
    result = read_labels("label\n1\n\n0\n", 3, coding)
    assert result.ok.tolist() == [True, False, True] and result.y.tolist() == [1, 0, 0]
    assert result.problems == ["no label for rows [1]"]
    assert read_labels("label\n1\n \n", 2, {"0": 0, "1": 1}).problems == [
        "returned 1 rows for 2 points (missing rows [1])"]
