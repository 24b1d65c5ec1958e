# SPDX-License-Identifier: MIT
"""The catalog from Python: access, lookups, round trip, builder."""
import json

import pytest

import touchpoint
from conftest import DEFAULT_CATALOG_JSON


@pytest.fixture(scope="module")
def default_json():
    with open(DEFAULT_CATALOG_JSON, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def catalog():
    with touchpoint.Catalog.default() as c:
        yield c


def test_default_catalog_is_data_catalog_default_json(catalog, default_json):
    assert [c.id for c in catalog.channels] == [c["id"] for c in default_json["channels"]]
    assert [t.id for t in catalog.touchpoints] == [t["id"] for t in default_json["touchpoints"]]
    assert [s.id for s in catalog.stages] == [s["id"] for s in default_json["stages"]]
    assert [(f.id, list(f.stages)) for f in catalog.funnels] == \
        [(f["id"], f["stages"]) for f in default_json["funnels"]]
    for ch, want in zip(catalog.channels, default_json["channels"]):
        assert ch.name == want.get("name", want["id"])
        assert ch.kind == want.get("kind", "unknown")
    for t, want in zip(catalog.touchpoints, default_json["touchpoints"]):
        assert t.channel == want["channel"]
        assert t.stage == want.get("stage")
        for dim in ("initiator", "personalization", "intent", "control",
                    "agent", "business_model"):
            assert t.dimensions[dim] == want.get(dim, "unknown"), (t.id, dim)


def test_objects(catalog):
    email = catalog.channel("email")
    assert email == touchpoint.Channel(email.index, "email", email.name, "digital")
    assert catalog.channels[email.index] is email
    seven = catalog.funnel("seven_stage")
    assert seven.stages == ("discovery", "consideration", "preference",
                            "intention", "sale", "recommendation", "loyalty")
    sale = catalog.stage("sale")
    assert sale.phase == "purchase"
    t = catalog.touchpoint("welcome_email")
    assert t.channel == "email"
    assert t.stage == "consideration"
    # Dimensions are attributes too; kind comes from the channel.
    assert t.phase == t.dimensions["phase"] == "pre_purchase"
    assert t.kind == "digital"
    assert t.initiator == "brand"
    with pytest.raises(AttributeError):
        t.no_such_dimension
    assert catalog.touchpoints_of_stage("sale") == \
        [x for x in catalog.touchpoints if x.stage == "sale"]


def test_lookups_of_unknown_ids_raise_key_error(catalog):
    for f in (catalog.channel, catalog.touchpoint, catalog.stage, catalog.funnel):
        with pytest.raises(KeyError):
            f("carrier_pigeon")


def test_round_trip_through_text_and_file(catalog, tmp_path, default_json):
    text = catalog.dumps()
    assert text == catalog.dumps()
    again = touchpoint.Catalog.loads(text, "saved")
    assert again == catalog
    path = tmp_path / "c.json"
    catalog.save(path)
    assert path.read_text(encoding="utf-8") == text
    with touchpoint.Catalog.load(path) as back:
        assert back == catalog
        assert back.dumps() == text
    d = catalog.to_dict()
    assert [c["id"] for c in d["channels"]] == [c["id"] for c in default_json["channels"]]
    assert touchpoint.Catalog.loads(d) == catalog


def test_equality(catalog):
    small = touchpoint.Catalog.loads({
        "channels": [{"id": "web", "kind": "digital"}],
        "touchpoints": [{"id": "visit", "channel": "web"}]})
    assert small != catalog
    assert small == touchpoint.Catalog.loads(small.dumps())
    assert (catalog == 3) is False


def test_builder():
    b = touchpoint.CatalogBuilder()
    (b.add_channel("website", "Web shop", kind="digital")
      .add_channel("email", "E-mail", kind="digital")
      .add_stage("discovery", "Discovery", phase="pre_purchase")
      .add_stage("loyalty", "Loyalty", phase="post_purchase")
      .add_touchpoint("newsletter", "email", "Monthly newsletter", "discovery",
                      initiator="brand", personalization="mass", agent="machine")
      .add_touchpoint("thank_you", "email", stage="loyalty", business_model="b2c")
      .add_funnel("shop", ["discovery", "loyalty"], "Shop journey"))
    c = b.finish()
    assert [x.id for x in c.channels] == ["website", "email"]
    n = c.touchpoint("newsletter")
    assert (n.name, n.channel, n.stage, n.phase, n.initiator, n.personalization,
            n.agent, n.intent) == ("Monthly newsletter", "email", "discovery",
                                   "pre_purchase", "brand", "mass", "machine", "unknown")
    t = c.touchpoint("thank_you")
    assert (t.name, t.phase, t.business_model) == ("thank_you", "post_purchase", "b2c")
    assert c.funnel("shop").stages == ("discovery", "loyalty")
    # The builder is emptied by finish and can be reused.
    b.add_channel("web")
    assert [x.id for x in b.finish().channels] == ["web"]
    b.close()


def test_builder_reports_every_fault_with_its_path():
    b = touchpoint.CatalogBuilder()
    b.add_channel("Bad Id")
    b.add_touchpoint("visit", "nowhere")
    with pytest.raises(touchpoint.Error) as ex:
        b.finish()
    paths = [e.path for e in ex.value.errors]
    assert paths == ["$.channels[0].id", "$.touchpoints[0].channel"]
    with pytest.raises(touchpoint.Error):
        b.add_channel("x", kind="teleport")
    with pytest.raises(TypeError):
        b.add_touchpoint("x", "web", kind="digital")
    b.close()
