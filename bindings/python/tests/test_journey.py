# SPDX-License-Identifier: MIT
"""Journeys, paths, path counts, funnels and the matrix from Python."""
import pytest

import touchpoint

if not touchpoint.journey.AVAILABLE:
    pytest.skip("the library has no journey API", allow_module_level=True)

M = 60 * 1000


@pytest.fixture
def store():
    """Three journeys: c1 converts (50), c2 does not and has two sessions,
    c3 converts (20) after a store visit with a satisfaction score."""
    with touchpoint.JourneyStore(keep_fields=["plan"]) as s:
        s.add("c1", 0, "open", touchpoint="newsletter", attrs={"plan": "gold"})
        s.add("c1", 10 * M, "view", touchpoint="product_page_view")
        s.add("c1", 20 * M, "purchase", touchpoint="checkout", value=50)
        s.add("c2", 0, "open", touchpoint="newsletter", attrs={"plan": "basic"})
        s.add("c2", 5 * M, "view", touchpoint="product_page_view")
        s.add("c2", 120 * M, "view", touchpoint="product_page_view")
        s.add("c3", 1 * M, "purchase", touchpoint="checkout", value=20)
        s.add("c3", 0, "visit", touchpoint="store_visit", score=4)     # out of order
        assert not s.finished
        s.finish()
        yield s


def test_journeys(store):
    assert store.finished
    assert (len(store), store.event_count, store.customers) == (3, 8, ("c1", "c2", "c3"))
    c3 = store.journey("c3")
    assert [e.event for e in c3] == ["visit", "purchase"]
    visit, purchase = c3.events
    assert (visit.touchpoint, visit.channel, visit.stage, visit.phase, visit.score,
            visit.conversion) == ("store_visit", "physical_store", "preference", "purchase",
                                  4.0, False)
    assert (purchase.channel, purchase.value, purchase.conversion) == ("website", 20.0, True)
    c2 = store.journey(1)
    assert c2.sessions == 2
    assert [(e.session, e.session_start) for e in c2] == [(0, True), (0, False), (1, True)]
    assert [j.customer for j in store] == ["c1", "c2", "c3"]
    assert store.event_field(c2.events[0].index, "plan") == "basic"
    assert store.event_field(c2.events[1].index, "plan") is None
    with pytest.raises(KeyError):
        store.journey("nobody")
    with pytest.raises(touchpoint.Error) as ex:
        store.add("c9", 0)
    assert ex.value.name == "TP_EINVAL"


def test_paths_and_path_counts(store):
    paths = [(p.customer, p.converted, p.value, [t.touchpoint for t in p.touches])
             for p in store.paths()]
    assert paths == [
        ("c1", True, 50.0, ["newsletter", "product_page_view", "checkout"]),
        ("c2", False, 0.0, ["newsletter", "product_page_view", "product_page_view"]),
        ("c3", True, 20.0, ["store_visit", "checkout"]),
    ]
    assert [len(p.touches) for p in store.paths(lookback_steps=1)] == [1, 1, 1]
    # Session starts, and the conversion as the last touch.
    assert [len(p.touches) for p in store.paths(touches="sessions")] == [2, 2, 2]
    assert [len(p.touches) for p in store.paths(touches="sessions",
                                                exclude_conversion=True)] == [1, 2, 1]
    with touchpoint.PathCounts.load(store.path_counts("touchpoint").save("json")) as pc:
        assert pc.field == "touchpoint"
        assert list(pc) == [
            touchpoint.PathCount(("newsletter", "product_page_view", "checkout"), 1, 0, 50.0),
            touchpoint.PathCount(("store_visit", "checkout"), 1, 0, 20.0),
            touchpoint.PathCount(("newsletter", "product_page_view", "product_page_view"), 0, 1, 0.0),
        ]
        assert pc.totals == (2, 1, 70.0)
        pc.merge(store.path_counts("touchpoint"))
        assert pc.totals == (4, 2, 140.0)
        with pc.to_paths() as paths:
            assert paths.by == "touchpoint"
            assert paths.total_conversions == 4
    with pytest.raises(touchpoint.Error) as ex:
        store.path_counts("touchpoint").merge(store.path_counts("channel"))
    assert ex.value.name == "TP_EMISMATCH"


def test_attribution_of_journeys(store):
    with store.attribution_paths("channel") as paths:
        assert paths.timed
        assert paths.by == "channel"
        assert list(paths) == [
            touchpoint.PathRow(("email", "website", "website"), 1, 1, 50),
            touchpoint.PathRow(("physical_store", "website"), 1, 0, 20),
        ]
        last = paths.attribute("last")
        assert (last["website"].conversions, last["website"].value) == (2, 70)
        # Half-life 10 minutes: c1's touches 20, 10 and 0 minutes before
        # its conversion weigh 1/4, 1/2, 1; c3's 1 minute and 0 before,
        # 2^-0.1 and 1.
        decay = {i.id: i.conversions for i in paths.attribute("time_decay", half_life="10m")}
        w = 2 ** -0.1
        assert decay == pytest.approx({"email": 1 / 7, "website": 6 / 7 + 1 / (1 + w),
                                       "physical_store": w / (1 + w)})


def test_funnel(store):
    f = touchpoint.Funnel(["event=open", ("event=view", "viewed"), "event=purchase"])
    assert f.steps == ("event=open", "viewed", "event=purchase")
    st = f.run(store)
    assert st.journeys == 3
    assert st.settings == {"window_ms": 0, "mode": [], "count": "customers"}
    steps = st.steps()
    assert [(s.name, s.condition, s.customers, s.dropped) for s in steps] == [
        ("event=open", "event=open", 2, 0), ("viewed", "event=view", 2, 0),
        ("event=purchase", "event=purchase", 1, 1)]
    assert [s.conversion_from_previous for s in steps] == [1.0, 1.0, 0.5]
    # From open to view: 10 and 5 minutes.
    assert (steps[1].median_seconds_from_previous, steps[1].p90_seconds_from_previous) == (450.0, 570.0)
    assert steps[0].median_seconds_from_previous is None
    assert steps[2].next == ((None, 1),)
    # A state saved and loaded in either format merges with the original.
    for fmt in ("json", "binary"):
        data = st.save(fmt)
        assert touchpoint.state_kind(data) == ("funnel", fmt)
        with touchpoint.FunnelState.load(data, "saved") as again:
            again.merge(st)
            assert [s.customers for s in again] == [4, 4, 2]
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.FunnelState.load(b"garbage", "g.state")
    assert (ex.value.name, ex.value.source) == ("TP_ESYNTAX", "g.state")


def test_funnel_settings_and_breakdown(store):
    st = touchpoint.Funnel(["event=open", "event=view"], window="7m",
                           mode="strict_order", count="attempts").run(store)
    assert st.settings == {"window_ms": 7 * M, "mode": ["strict_order"], "count": "attempts"}
    assert [s.customers for s in st] == [2, 1]
    st = touchpoint.Funnel(["event=open", "event=view"], breakdown="plan").run(store)
    assert st.breakdown == "plan"
    assert st.groups == ("basic", "gold")
    assert [[s.customers for s in st.steps(g)] for g in range(2)] == [[1, 1], [1, 1]]
    seven = store.funnel("seven_stage")
    assert [s.name for s in seven] == list(store.catalog.funnel("seven_stage").stages)
    assert [s.customers for s in seven] == [0] * 7      # nobody in discovery
    for bad in (["nonsense"], ["event=x"] * 40):
        with pytest.raises(touchpoint.Error):
            touchpoint.Funnel(bad)
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.Funnel(["nokind=gold"]).run(store)
    assert ex.value.name == "TP_ENOTFOUND"
    with pytest.raises(touchpoint.Error):
        touchpoint.Funnel(["event=x"], mode="sideways")


def test_matrix(store):
    m = store.matrix()
    assert (m.rows_field, m.cols_field) == ("channel", "stage")
    assert m.rows == ("website", "email", "physical_store")
    assert m.cols == ("consideration", "preference", "sale")
    cells = m.to_dict()
    assert cells["website"]["consideration"] == touchpoint.MatrixCell(
        "website", "consideration", 3, 2, 1, 0.5, 0, 0.0)
    assert cells["physical_store"]["preference"] == touchpoint.MatrixCell(
        "physical_store", "preference", 1, 1, 1, 1.0, 1, 4.0)
    assert sum(c.events for c in m) == 8
    with touchpoint.Matrix.load(m.save("binary")) as back:
        back.merge(m)
        assert back.to_dict()["website"]["sale"].events == 4
    by_touchpoint = store.matrix("touchpoint", "all")
    assert by_touchpoint.cols == ("all",)
    with pytest.raises(touchpoint.Error) as ex:
        m.merge(by_touchpoint)
    assert ex.value.name == "TP_EMISMATCH"


def test_from_raw_events(testdata):
    with touchpoint.Classifier() as c, touchpoint.JourneyStore(c.catalog) as s:
        s.add_event({"customer_id": "c1", "timestamp": "2026-03-01T10:00:00Z",
                     "event": "page_view",
                     "url": "https://shop.example.com/?utm_source=google&utm_medium=cpc"}, c)
        s.add_events([{"customer_id": "c1", "timestamp": "2026-03-01T10:05:00Z",
                       "event": "purchase", "value": 30}], c)
        rejects = []
        s.add_file(testdata / "events.ndjson", c, on_reject=rejects.append)
        # The broken line, then c3 and {} without a timestamp.
        assert [(e.line, e.name) for e in rejects] == [
            (5, "TP_ENOTFOUND"), (6, "TP_ESYNTAX"), (7, "TP_ENOTFOUND")]
        assert str(rejects[0]).startswith(str(testdata / "events.ndjson") + ":5: ")
        with pytest.raises(touchpoint.Error):
            s.add_event({"customer_id": "c1", "event": "no time"}, c)
        s.finish()
        assert s.customers == ("c1", "c2")
        j = s.journey("c1")
        # In time order; the two page views at 10:00 in the order added.
        assert [(e.event, e.touchpoint, e.channel_group, e.source) for e in j] == [
            ("page_view", "paid_search", "Paid Search", "google"),
            ("page_view", "paid_search", "Paid Search", "google"),
            ("purchase", "checkout", "Direct", "(direct)"),
            ("email_open", "welcome_email", "Email", "newsletter")]
        assert j.events[2].value == 30.0 and j.events[2].conversion
