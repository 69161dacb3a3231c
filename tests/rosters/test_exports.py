import pytest

from rosters.exports import dataset, escape_formula


@pytest.mark.parametrize("value", ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_excel_would_run_are_escaped(value):
    assert escape_formula(value) == "'" + value


def test_other_values_pass_through():
    assert escape_formula("张三") == "张三"
    assert escape_formula(5) == 5


def test_dataset_escapes_every_cell():
    data = dataset(["name"], [['=HYPERLINK("http://evil")']], title="名单")
    assert data[0][0].startswith("'=")
