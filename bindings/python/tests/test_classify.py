# SPDX-License-Identifier: MIT
"""Classification from Python: the same "tp" object as the command."""
import json
import os
import subprocess
import threading

import pytest

import touchpoint

PAID_SEARCH = {
    "source": "google", "medium": "cpc", "campaign": "spring",
    "channel_group": "Paid Search", "channel": "search_engine",
    "touchpoint": "paid_search", "stage": "discovery",
    "phase": "pre_purchase", "rule": "landing: paid search",
}
ORGANIC_SEARCH = {
    "source": "google", "medium": "organic", "campaign": "(organic)",
    "channel_group": "Organic Search", "channel": "search_engine",
    "touchpoint": "organic_search", "stage": "discovery",
    "phase": "pre_purchase", "rule": "landing: organic search",
    "referrer": {"known": True, "medium": "search", "source": "Google",
                 "term": "running shoes"},
}
WELCOME_EMAIL = {
    "source": "newsletter", "medium": "email", "campaign": "welcome",
    "channel_group": "Email", "channel": "email",
    "touchpoint": "welcome_email", "stage": "consideration",
    "phase": "pre_purchase", "rule": "e-mail: welcome",
}
STORE_VISIT = {
    "source": "(direct)", "medium": "(none)", "campaign": "(direct)",
    "channel_group": "Direct", "channel": "physical_store",
    "touchpoint": "store_visit", "stage": "preference", "phase": "purchase",
    "rule": "store visit",
}
NOTHING = {
    "source": "(direct)", "medium": "(none)", "campaign": "(direct)",
    "channel_group": "Direct", "rule": "Direct",
}

WEB_EVENT = {"customer_id": "c1", "timestamp": "2026-03-01T10:00:00Z",
             "event": "page_view",
             "url": "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=spring"}
SEARCH_EVENT = {"customer_id": "c3", "event": "page_view",
                "url": "https://shop.example.com/p",
                "referrer": "https://www.google.co.uk/search?q=running+shoes"}
EMAIL_EVENT = {"customer_id": "c1", "event": "email_open",
               "utm_source": "newsletter", "utm_medium": "email",
               "utm_campaign": "welcome"}
STORE_EVENT = {"customer_id": "c2", "event": "store_visit",
               "channel": "physical_store"}


def test_web_event_with_utm_parameters(classifier):
    assert classifier.classify(WEB_EVENT) == PAID_SEARCH


def test_web_event_with_search_referrer(classifier):
    assert classifier.classify(SEARCH_EVENT) == ORGANIC_SEARCH


def test_email_event(classifier):
    assert classifier.classify(EMAIL_EVENT) == WELCOME_EMAIL


def test_offline_event(classifier):
    assert classifier.classify(STORE_EVENT) == STORE_VISIT


def test_empty_event(classifier):
    assert classifier.classify({}) == NOTHING


def test_members_in_command_order(classifier):
    assert list(classifier.classify(SEARCH_EVENT)) == [
        "source", "medium", "campaign", "channel_group", "channel",
        "touchpoint", "stage", "phase", "rule", "referrer"]


def test_values_of_any_json_type_are_read_as_the_command_reads_them(classifier):
    # Numbers, booleans and nested objects go through the library's JSON
    # reader: nested members become dotted names the field map can use.
    event = {"event": "store_visit", "channel": "physical_store",
             "value": 12.5, "vip": True, "gone": None,
             "context": {"campaign": {"source": "flyer"}}}
    assert classifier.classify(event) == STORE_VISIT
    d = classifier.classify_details(event)
    assert d.value == 12.5
    assert d.fields["value"] == "12.5"
    mapped = touchpoint.Classifier(field_map={"utm_source": "context.campaign.source"})
    assert mapped.classify(event)["source"] == "flyer"
    mapped.close()


def test_bad_keys_are_refused(classifier):
    with pytest.raises(TypeError):
        classifier.classify({1: "x"})


def test_classify_many_is_a_lazy_generator(classifier):
    seen = []

    def events():
        for e in (WEB_EVENT, EMAIL_EVENT, STORE_EVENT, SEARCH_EVENT):
            seen.append(e)
            yield e
    g = classifier.classify_many(events())
    assert seen == []
    assert next(g) == PAID_SEARCH
    assert len(seen) == 1
    assert list(g) == [WELCOME_EMAIL, STORE_VISIT, ORGANIC_SEARCH]


def test_classify_many_results_are_independent(classifier):
    out = list(classifier.classify_many([WEB_EVENT] * 3 + [{}]))
    assert out == [PAID_SEARCH] * 3 + [NOTHING]
    out[0]["channel"] = "changed"
    assert out[1]["channel"] == "search_engine"


def test_classify_details(classifier):
    d = classifier.classify_details(dict(WEB_EVENT, value="19.90", score="4"))
    assert d.tp == PAID_SEARCH
    assert d.fields["url_host"] == "shop.example.com"
    assert d.fields["url_path"] == "/"
    assert d.fields["touchpoint"] == "paid_search"
    assert d.timestamp == 1772359200000
    assert touchpoint.format_timestamp(d.timestamp) == "2026-03-01T10:00:00.000Z"
    assert d.value == 19.9
    assert d.score == 4.0
    assert d.labels == {"channel_group": "Paid Search"}
    assert d.dimensions["kind"] == "digital"
    assert d.dimensions["phase"] == "pre_purchase"
    assert d["channel_group"] == "Paid Search"
    assert set(d.fields) <= set(touchpoint.fields())
    assert set(d.dimensions) == set(touchpoint.dimensions())


def test_classify_file_like_the_command(testdata, classifier):
    rejects = []
    out = list(classifier.classify_file(testdata / "events.ndjson",
                                        on_reject=rejects.append))
    assert [o["tp"] for o in out] == [PAID_SEARCH, WELCOME_EMAIL, STORE_VISIT,
                                      ORGANIC_SEARCH, NOTHING]
    assert out[2]["context"] == {"campaign": {"source": "flyer"}}
    assert len(rejects) == 1
    e = rejects[0]
    assert isinstance(e, touchpoint.Error)
    assert (e.source, e.line, e.column) == (str(testdata / "events.ndjson"), 6, 21)
    assert e.name == "TP_ESYNTAX"


def test_classify_file_raises_on_a_bad_line(testdata, classifier):
    with pytest.raises(touchpoint.Error) as ex:
        list(classifier.classify_file(testdata / "events.ndjson"))
    assert (ex.value.line, ex.value.column) == (6, 21)


@pytest.mark.skipif(not os.environ.get("TOUCHPOINT_COMMAND"),
                    reason="TOUCHPOINT_COMMAND (the built touchpoint command) not set")
def test_same_output_as_the_command(testdata, classifier):
    # In a sanitizer build only the interpreter needs the preloaded
    # runtime; the command has its own linked in.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    p = subprocess.run([os.environ["TOUCHPOINT_COMMAND"], "classify",
                        str(testdata / "events.ndjson")], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert p.returncode == 1        # one line rejected
    want = [json.loads(line) for line in p.stdout.decode().splitlines()]
    got = list(classifier.classify_file(testdata / "events.ndjson",
                                        on_reject=lambda e: None))
    assert got == want
    # classify(dict) gives the same "tp" as the command for each object.
    for obj in want:
        tp = obj.pop("tp")
        assert classifier.classify(obj) == tp


def test_rule_sets_by_name_path_and_object(testdata):
    with touchpoint.Classifier(rules="ga4") as c:
        tp = c.classify(WEB_EVENT)
        assert tp["channel_group"] == "Paid Search"
        assert "touchpoint" not in tp
    with touchpoint.Classifier(rules=["touchpoints"]) as c:
        # Without ga4 no channel group is set, which the touchpoint
        # rules read: the page view is only a website visit.
        tp = c.classify(WEB_EVENT)
        assert tp["touchpoint"] == "website_visit"
        assert "channel_group" not in tp
    survey = {"event": "survey_answer", "score": "9"}
    with touchpoint.Classifier(rules=["default", testdata / "shop-rules.json"]) as c:
        d = c.classify_details(survey)
        assert d.tp["touchpoint"] == "satisfaction_survey"
        assert d.tp["rule"] == "survey answer"
        assert d.labels["plan"] == "gold"
    with touchpoint.RuleSet.compile_file(testdata / "shop-rules.json") as rs, \
            touchpoint.Classifier(rules=[rs]) as c:
        assert c.classify(survey)["touchpoint"] == "satisfaction_survey"
    with touchpoint.Classifier(rules=[]) as c:
        assert c.classify(WEB_EVENT) == {"source": "google", "medium": "cpc",
                                         "campaign": "spring"}


def test_internal_domains_and_refdb(testdata):
    event = {"event": "page_view", "url": "https://shop.example.com/a",
             "referrer": "https://blog.example.com/post"}
    with touchpoint.Classifier() as c:
        assert c.classify(event)["medium"] == "referral"
    with touchpoint.Classifier(internal_domains=["example.com"]) as c:
        assert c.classify(event)["source"] == "(direct)"
    refs = {"social": {"Example Blog": {"domains": ["blog.example.com"]}}}
    with touchpoint.RefDB.loads(refs, "mine") as db, \
            touchpoint.Classifier(refdb=db) as c:
        tp = c.classify(event)
        assert tp["referrer"] == {"known": True, "medium": "social",
                                  "source": "Example Blog"}


def test_field_map_file(tmp_path):
    f = tmp_path / "fields.json"
    f.write_text('{"utm_source": "src", "utm_medium": "med"}')
    with touchpoint.Classifier(field_map=f) as c:
        tp = c.classify({"src": "newsletter", "med": "email",
                         "utm_campaign": "welcome", "event": "email_open"})
        assert tp == WELCOME_EMAIL
    f.write_text('{"utm_source": 3}')
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.Classifier(field_map=f)
    assert ex.value.source == str(f)
    assert (ex.value.line, ex.value.column) == (1, 16)
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.Classifier(field_map={"no_such_field": "x"})
    assert ex.value.name == "TP_ENOTFOUND"


def test_custom_catalog_from_file(tmp_path):
    cat = touchpoint.Catalog.default()
    path = tmp_path / "cat.json"
    cat.save(path)
    with touchpoint.Classifier(catalog=path) as c:
        assert c.classify(STORE_EVENT) == STORE_VISIT
        assert c.catalog == cat


def test_threads_share_one_classifier(classifier):
    events = [WEB_EVENT, EMAIL_EVENT, STORE_EVENT, SEARCH_EVENT] * 50
    want = [PAID_SEARCH, WELCOME_EMAIL, STORE_VISIT, ORGANIC_SEARCH] * 50
    results = {}

    def work(k):
        results[k] = (list(classifier.classify_many(events)),
                      [classifier.classify(e) for e in events])
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == (want, want) for r in results.values())


def test_cache_size_changes_nothing_but_time():
    events = [WEB_EVENT, SEARCH_EVENT, EMAIL_EVENT, STORE_EVENT, {}] * 4
    want = [PAID_SEARCH, ORGANIC_SEARCH, WELCOME_EMAIL, STORE_VISIT, NOTHING] * 4
    for size in (None, 0, 2, 1000):
        with touchpoint.Classifier(cache_size=size) as c:
            assert [c.classify(e) for e in events] == want
            assert list(c.classify_many(events)) == want


def test_cache_size_is_checked():
    with pytest.raises(ValueError):
        touchpoint.Classifier(cache_size=-1)
    with pytest.raises(ValueError):
        touchpoint.Classifier(cache_size=(1 << 24) + 1)
    with pytest.raises(TypeError):
        touchpoint.Classifier(cache_size="big")
