# SPDX-License-Identifier: MIT
"""touchpoint.Error: the library's faults with their location."""
import pytest

import touchpoint


def test_bad_rule_file_points_at_the_fault(testdata):
    path = testdata / "bad-rules.json"
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.Classifier(rules=path)
    e = ex.value
    # Line 8 is the rule's "when"; column 49 is the opening quote of the
    # regular expression "^(cpc|ppc" that lacks its closing parenthesis.
    assert (e.line, e.column) == (8, 49)
    assert e.source == str(path)
    assert e.path == "$.groups[0].rules[0].when.regex"
    assert e.name == "TP_ESCHEMA"
    assert e.code == -5
    assert "missing closing parenthesis" in e.message
    assert str(e) == ('%s:8:49: rule "broken regex": invalid regular expression '
                      'at offset 9: missing closing parenthesis '
                      '(at $.groups[0].rules[0].when.regex)' % path)
    # Every fault is reported, the raised one first.
    assert [(x.line, x.column, x.path) for x in e.errors] == [
        (8, 49, "$.groups[0].rules[0].when.regex"),
        (12, 31, "$.groups[0].rules[1].set.channel"),
    ]
    assert e.errors[0] is e
    assert e.errors[1].name == "TP_ENOTFOUND"
    assert 'unknown channel "carrier_pigeon"' in e.errors[1].message
    assert e.dropped == 0


def test_rule_file_with_a_json_syntax_error(testdata):
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.RuleSet.compile_file(testdata / "bad-syntax-rules.json")
    e = ex.value
    assert (e.name, e.line, e.column) == ("TP_ESYNTAX", 4, 45)


def test_rules_from_a_string_name_their_source():
    text = '{"groups": [{"name": "g", "rules": [\n  {"name": "x", "set": {"stage": "nowhere"}}]}]}'
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.RuleSet.compile(text, source="inline")
    e = ex.value
    assert (e.source, e.line, e.column) == ("inline", 2, 34)
    assert e.path == "$.groups[0].rules[0].set.stage"


def test_missing_rule_file():
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.Classifier(rules="/nonexistent/rules.json")
    assert ex.value.name == "TP_EIO"
    assert ex.value.source == "/nonexistent/rules.json"


def test_bad_catalog_reports_every_fault(tmp_path):
    f = tmp_path / "cat.json"
    f.write_text('{\n  "channels": [{"id": "web", "kind": "digitl"}],\n'
                 '  "touchpoints": [{"id": "t", "channel": "nope"}]\n}\n')
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.Catalog.load(f)
    e = ex.value
    assert (e.line, e.column, e.path) == (2, 38, "$.channels[0].kind")
    assert e.name == "TP_ESCHEMA"


def test_status_without_entries_gives_its_description():
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.parse_timestamp("yesterday")
    e = ex.value
    assert e.name == "TP_ESYNTAX"
    assert e.message == touchpoint.strerror(e.code)
    assert (e.line, e.column, e.source, e.path) == (0, 0, None, None)
    assert e.errors == [e]


def test_error_is_an_exception():
    assert issubclass(touchpoint.Error, Exception)
    assert touchpoint.status_name(-2) == "TP_ENOMEM"
