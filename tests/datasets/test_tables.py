"""Reading labelled tables: every format, every mapping, every bad input."""

from __future__ import annotations

import warnings

import h5py
import numpy as np
import pandas as pd
import pytest

from datasets.tables import TableError, TableMapping, TableWarning, read_table

X = np.array([[1.0, 10.0, -2.0], [2.0, 20.0, -4.0], [3.0, 30.0, -6.0], [4.0, 40.0, -8.0]])
Y = np.array([1, 0, 0, 1])
NAMES = ["a", "b", "c"]


def _frame(labels=Y, x=X) -> pd.DataFrame:
    frame = pd.DataFrame(x, columns=NAMES[: x.shape[1]])
    frame["allowed"] = labels
    return frame


def _csv(tmp_path, frame: pd.DataFrame, name="t.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


MAP = TableMapping(label="allowed")


def _check(table, columns=NAMES, x=X, y=Y):
    assert table.names == tuple(columns)
    np.testing.assert_array_equal(table.x, x)
    np.testing.assert_array_equal(table.y, y)
    assert table.x.dtype == np.float64 and table.y.dtype == np.int8


def test_csv_every_column_but_the_label(tmp_path):
    _check(read_table(_csv(tmp_path, _frame()), MAP))


def test_parquet_columns_by_name_reordered(tmp_path):
    path = tmp_path / "t.parquet"
    _frame().to_parquet(path)
    table = read_table(path, TableMapping(columns=["c", "a"], label="allowed"))
    _check(table, ["c", "a"], X[:, [2, 0]])


def test_hdf5_compound_dataset_group_and_plain_array(tmp_path):
    rec = np.zeros(4, dtype=[("a", "f8"), ("b", "f8"), ("c", "f8"), ("allowed", "i4")])
    for i, n in enumerate(NAMES):
        rec[n] = X[:, i]
    rec["allowed"] = Y
    path = tmp_path / "compound.h5"
    with h5py.File(path, "w") as fh:
        fh["models"] = rec
    _check(read_table(path, MAP))

    path = tmp_path / "group.hdf5"
    with h5py.File(path, "w") as fh:
        fh["scan/a"], fh["scan/b"], fh["scan/c"] = X[:, 0], X[:, 1], X[:, 2]
        fh["scan/allowed"] = np.array([b"yes", b"no", b"no", b"yes"])
        fh["other"] = np.zeros(3)
    with pytest.raises(TableError, match=r"holds 2 top-level members \['other', 'scan'\]; set table.key"):
        read_table(path, MAP)
    _check(read_table(path, TableMapping(label="allowed", key="scan", positive="yes")))
    with pytest.raises(TableError, match=r"HDF5 has no member 'nope'; table.key must be one of \['other', 'scan'\]"):
        read_table(path, TableMapping(label="allowed", key="nope"))

    path = tmp_path / "plain.h5"
    with h5py.File(path, "w") as fh:
        fh["data"] = np.column_stack([Y, X])
    _check(read_table(path, TableMapping(label=0)), ["1", "2", "3"])


def test_npy_positional_and_structured(tmp_path):
    path = tmp_path / "t.npy"
    np.save(path, np.column_stack([X, Y]))
    _check(read_table(path, TableMapping(columns=[2, 0], label=3)), ["2", "0"], X[:, [2, 0]])
    rec = np.zeros(4, dtype=[("a", "f4"), ("b", "f4"), ("c", "f4"), ("allowed", "?")])
    for i, n in enumerate(NAMES):
        rec[n] = X[:, i]
    rec["allowed"] = Y.astype(bool)
    np.save(path, rec)
    _check(read_table(path, MAP))


@pytest.mark.parametrize(
    ("labels", "positive", "expected"),
    [
        ([0, 1, 1, 0], None, [0, 1, 1, 0]),
        ([0, 1, 1, 0], 0, [1, 0, 0, 1]),          # 'excluded' column: 0 means allowed
        ([0.0, 1.0, 1.0, 0.0], None, [0, 1, 1, 0]),
        ([-1, 1, 1, -1], -1, [1, 0, 0, 1]),
        ([-1, 1, 1, -1], 1, [0, 1, 1, 0]),
        ([True, False, False, True], None, [1, 0, 0, 1]),
        ([True, False, False, True], False, [0, 1, 1, 0]),
        (["excluded", "allowed", "allowed", "excluded"], "allowed", [0, 1, 1, 0]),
    ],
)
def test_label_codings_map_through_the_positive_class(tmp_path, labels, positive, expected):
    table = read_table(_csv(tmp_path, _frame(labels)), TableMapping(label="allowed", positive=positive))
    np.testing.assert_array_equal(table.y, expected)


@pytest.mark.parametrize(
    ("labels", "positive", "message"),
    [
        ([-1, 1, 1, -1], None, r"is coded \{-1, 1\}: set table.positive to the value that means allowed"),
        (["ex", "al", "al", "ex"], None, r"holds the strings \['al', 'ex'\]: set table.positive"),
        (["ex", "al", "al", "ex"], "ok", r"set table.positive .* \(got 'ok'\)"),
        (["ex", "al", "maybe", "ex"], "al", r"must hold two classes, but holds 3 different strings"),
        ([0, 1, 2, 1], None, r"must be coded \{0, 1\}, \{-1, 1\}, booleans or two strings, but holds values \[0, 1, 2\] \(unexpected at rows 2\)"),
        ([0, 1, 0.5, 1], None, r"holds values \[0.0, 0.5, 1.0\] \(unexpected at rows 2\)"),
        ([-1, 0, 1, 1], None, r"holds values \[-1, 0, 1\]"),
        ([0, 1, 1, 0], 2, r"table.positive must be one of \[0, 1\] .* but got 2"),
        ([True, False, False, True], 1, r"holds booleans, so table.positive must be true or false, but got 1"),
    ],
)
def test_bad_labels_are_rejected(tmp_path, labels, positive, message):
    with pytest.raises(TableError, match=message):
        read_table(_csv(tmp_path, _frame(labels)), TableMapping(label="allowed", positive=positive))


def test_missing_labels_list_the_rows(tmp_path):
    path = _csv(tmp_path, _frame([1, None, 0, None]))
    with pytest.raises(TableError, match=r"t.csv: label column 'allowed' is empty or NaN at rows 1, 3"):
        read_table(path, MAP)


def test_nan_and_inf_rows_are_listed(tmp_path):
    x = X.copy()
    x[1, 0], x[3, 2] = np.nan, np.inf
    path = _csv(tmp_path, _frame(x=x))
    with pytest.raises(TableError, match=r"t.csv: NaN or infinite parameter values at rows 1, 3 \(per column: \{'a': 1, 'c': 1\}\)"):
        read_table(path, MAP)


def test_many_bad_rows_are_counted(tmp_path):
    x = np.ones((30, 1))
    x[5:30, 0] = np.nan
    with pytest.raises(TableError, match=r"rows 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, \.\.\. \(25 rows in all\)"):
        read_table(_csv(tmp_path, pd.DataFrame({"a": x[:, 0], "allowed": np.arange(30) % 2})), MAP)


def test_non_numeric_parameter_names_column_and_rows(tmp_path):
    frame = _frame().astype({"b": object})
    frame.loc[2, "b"] = "20 GeV"
    with pytest.raises(TableError, match=r"parameter column 'b' must be numeric, but holds object values \(e.g. '20 GeV'\) at rows 2"):
        read_table(_csv(tmp_path, frame), MAP)


def test_wrong_number_of_parameter_columns(tmp_path):
    frame = pd.DataFrame(np.ones((4, 20)), columns=[f"p{i}" for i in range(20)])
    frame["allowed"] = Y
    path = _csv(tmp_path, frame)
    with pytest.raises(TableError, match=r"t.csv: has 20 columns besides the label 'allowed', but this dataset needs 19 parameters; list them in table.columns"):
        read_table(path, MAP, n_parameters=19)
    with pytest.raises(TableError, match=r"table.columns maps 2 columns, but this dataset needs 19 parameters"):
        read_table(path, TableMapping(columns=["p0", "p1"], label="allowed"), n_parameters=19)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)  # every column of ones is constant
        table = read_table(path, TableMapping(columns=[f"p{i}" for i in range(19)], label="allowed"), n_parameters=19)
    assert table.x.shape == (4, 19)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (TableMapping(label="excluded"), r"table.label names column 'excluded', which the file lacks; its columns are \['a', 'b', 'c', 'allowed'\]"),
        (TableMapping(columns=["a", "z"], label="allowed"), r"table.columns names column 'z', which the file lacks"),
        (TableMapping(columns=[0, 7], label="allowed"), r"table.columns position 7 is outside the file's 4 columns \(0..3\)"),
        (TableMapping(columns=["a", "a"], label="allowed"), r"table.columns lists \['a'\] more than once"),
        (TableMapping(columns=["a", "allowed"], label="allowed"), r"column 'allowed' is the label and cannot also be a parameter"),
    ],
)
def test_bad_mappings_name_the_column(tmp_path, mapping, message):
    with pytest.raises(TableError, match=message):
        read_table(_csv(tmp_path, _frame()), mapping)


def test_constant_column_warns(tmp_path):
    x = X.copy()
    x[:, 1] = 7.0
    with pytest.warns(TableWarning, match=r"t.csv: parameter column 'b' is constant \(7\); .*spread taken as 1"):
        table = read_table(_csv(tmp_path, _frame(x=x)), MAP)
    assert table.x[0, 1] == 7.0


def test_single_class_warns(tmp_path):
    with pytest.warns(TableWarning, match=r"every row has label 0 \(excluded\)"):
        read_table(_csv(tmp_path, _frame([0, 0, 0, 0])), MAP)


def test_unreadable_files(tmp_path):
    with pytest.raises(TableError, match=r"table file .*missing.csv does not exist"):
        read_table(tmp_path / "missing.csv", MAP)
    odd = tmp_path / "t.txt"
    odd.write_text("a,allowed\n1,0\n2,1\n")
    with pytest.raises(TableError, match=r"cannot tell the format from the suffix '.txt'.*set table.format"):
        read_table(odd, MAP)
    _check(read_table(odd, TableMapping(label="allowed", format="csv")), ["a"], np.array([[1.0], [2.0]]), np.array([0, 1]))
    broken = tmp_path / "t.parquet"
    broken.write_text("not parquet")
    with pytest.raises(TableError, match=r"t.parquet: cannot be read as parquet"):
        read_table(broken, MAP)
    flat = tmp_path / "flat.npy"
    np.save(flat, np.arange(5.0))
    with pytest.raises(TableError, match=r"expected a 2-D array \(rows x columns\) or a structured array, but got shape \(5,\)"):
        read_table(flat, MAP)
