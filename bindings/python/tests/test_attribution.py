# SPDX-License-Identifier: MIT
"""Attribution from Python, on the worked example of docs/attribution.md."""
import datetime

import pytest

import touchpoint

TABLE = ("path,conversions,nulls,value\n"
         "A > B > C,2,1,100\n"
         "A > C,1,2,30\n"
         "C > B > B,1,1,40\n"
         "C > A,0,2,0\n")
DAY = 24 * 3600 * 1000
CONVERSION = 1767225600000          # 2026-01-01T00:00:00Z
# items, days before the conversion, conversions, nulls, value
PATHS = [
    (["A", "B", "C"], [14, 7, 0], 2, 1, 100),
    (["A", "C"], [7, 7], 1, 2, 30),
    (["C", "B", "B"], [21, 7, 7], 1, 1, 40),
    (["C", "A"], [3, 1], 0, 2, 0),
]


@pytest.fixture
def table():
    with touchpoint.Paths.loads_csv(TABLE, "worked.csv") as p:
        yield p


@pytest.fixture
def timed():
    with touchpoint.Paths() as p:
        for items, days, c, n, v in PATHS:
            p.add(items, c, n, v, times=[CONVERSION - d * DAY for d in days],
                  conversion_time=CONVERSION)
        yield p


def credit(result):
    return {i.id: i.conversions for i in result}


def test_path_table(table):
    assert len(table) == 4
    assert table.row_count == 4
    assert table.by == "channel"
    assert table.items == ("A", "B", "C")
    assert list(table)[0] == touchpoint.PathRow(("A", "B", "C"), 2, 1, 100)
    assert (table.total_conversions, table.total_nulls, table.total_value) == (4, 6, 170)
    assert not table.timed
    assert table.find_item("B") == 1
    with pytest.raises(KeyError):
        table.find_item("Z")


def test_heuristic_models(table):
    assert credit(table.attribute("first")) == {"A": 3, "B": 0, "C": 1}
    assert credit(table.attribute("last")) == {"A": 0, "B": 1, "C": 3}
    assert credit(table.attribute("linear")) == pytest.approx({"A": 7 / 6, "B": 4 / 3, "C": 1.5})
    assert credit(table.attribute("position")) == pytest.approx({"A": 1.3, "B": 1.0, "C": 1.7})
    assert credit(table.attribute("shapley_simple")) == pytest.approx(
        {"A": 7 / 6, "B": 7 / 6, "C": 5 / 3})
    first = table.attribute("first")
    assert first["A"].value == 130
    assert first["A"].share == 0.75
    assert first["A"].removal_effect is None
    assert first.conversion_probability is None
    assert (first.model, first.by, first.order) == ("first", "channel", 0)
    assert (first.total_conversions, first.total_value) == (4, 170)


def test_markov(table):
    m = table.attribute("markov", transitions=True)
    assert m.order == 1
    assert m.conversion_probability == pytest.approx(0.4)
    assert {i.id: i.removal_effect for i in m} == pytest.approx(
        {"A": 27 / 44, "B": 73 / 148, "C": 71 / 80})
    assert sum(i.conversions for i in m) == pytest.approx(4)
    assert sum(i.value for i in m) == pytest.approx(170)
    assert m.states[:3] == ("(start)", "(conversion)", "(null)")
    start = {t.target: t.probability for t in m.transitions if t.source == "(start)"}
    assert start == pytest.approx({"A": 0.6, "C": 0.4})
    assert table.attribute("markov").transitions == ()
    assert table.attribute("markov", order=2).order == 2


def test_last_non_direct_skips_the_excluded_item(table):
    assert credit(table.attribute("last_non_direct", excluded="c")) == {"A": 1, "B": 3, "C": 0}


def test_time_decay_needs_timed_paths(table, timed):
    assert timed.timed
    res = timed.attribute("time_decay")
    assert credit(res) == pytest.approx({"A": 11 / 14, "B": 92 / 63, "C": 221 / 126})
    half = timed.attribute("time_decay", half_life=14 * DAY)
    assert half.items != res.items
    assert timed.attribute("time_decay", half_life=datetime.timedelta(days=14)) == half
    with pytest.raises(touchpoint.Error) as ex:
        table.attribute("time_decay")
    assert ex.value.name == "TP_EEMPTY"
    # Every other model gives the same on timed paths as on the table.
    for model in touchpoint.attribution_models():
        if model != "time_decay":
            assert credit(timed.attribute(model)) == pytest.approx(credit(table.attribute(model)))


def test_attribute_all(table, timed):
    assert list(table.attribute_all()) == [m for m in touchpoint.attribution_models()
                                           if m != "time_decay"]
    assert list(timed.attribute_all()) == list(touchpoint.attribution_models())


def test_merge_and_ids(table):
    with touchpoint.Paths() as p:
        a, b = p.intern("A"), p.intern("B")
        p.add([a, b], conversions=1, value=10)
        p.add(["B"], nulls=1)
        p.merge(table)
        assert len(p) == 6
        assert p.total_conversions == 5
        assert p.items == ("A", "B", "C")


def test_bad_input():
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.Paths.loads_csv("path,conversions\nA > B,2\n,1\nA > B,x\n", "bad.csv")
    e = ex.value
    assert e.source == "bad.csv"
    assert [(x.line, x.column, x.message) for x in e.errors] == [
        (3, 1, "the path is empty"), (4, 7, "conversions is not a number")]
    with touchpoint.Paths() as p:
        with pytest.raises(touchpoint.Error) as ex:
            p.add(["A"], conversions=-1)
        assert ex.value.name == "TP_EINVAL"
        with pytest.raises(touchpoint.Error):
            p.attribute("astrology")
    with pytest.raises(touchpoint.Error):
        touchpoint.Paths(by="weather")


def test_custom_columns(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("route,won,value\nA|B,1,5\n")
    with touchpoint.Paths.load_csv(f, separator="|", path_column="route",
                                   conversions_column="won", by="touchpoint") as p:
        assert list(p) == [touchpoint.PathRow(("A", "B"), 1, 0, 5)]
        assert p.by == "touchpoint"
