# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require_relative "test_helper"

class TestErrors < Minitest::Test
  include TestPaths

  def test_bad_rule_file_points_at_the_fault
    path = testdata("bad-rules.json")
    e = assert_raises(Touchpoint::Error) { Touchpoint::Classifier.new(rules: path) }
    # Line 8 is the rule's "when"; column 49 is the opening quote of the
    # regular expression "^(cpc|ppc" that lacks its closing parenthesis.
    assert_equal [8, 49], [e.line, e.column]
    assert_equal path, e.source
    assert_equal "$.groups[0].rules[0].when.regex", e.path
    assert_equal ["TP_ESCHEMA", -5], [e.name, e.code]
    assert_equal "#{path}:8:49: rule \"broken regex\": invalid regular expression at offset 9: " \
                 "missing closing parenthesis (at $.groups[0].rules[0].when.regex)", e.message
    assert_equal "rule \"broken regex\": invalid regular expression at offset 9: missing closing parenthesis",
                 e.reason
    assert_equal [[8, 49, "$.groups[0].rules[0].when.regex"], [12, 31, "$.groups[0].rules[1].set.channel"]],
                 e.errors.map { |x| [x.line, x.column, x.path] }
    assert_same e, e.errors.first
    assert_equal "TP_ENOTFOUND", e.errors[1].name
    assert_equal 0, e.dropped
  end

  def test_syntax_error_and_string_source
    e = assert_raises(Touchpoint::Error) { Touchpoint::RuleSet.compile_file(testdata("bad-syntax-rules.json")) }
    assert_equal ["TP_ESYNTAX", 4, 45], [e.name, e.line, e.column]
    text = "{\"groups\": [{\"name\": \"g\", \"rules\": [\n  {\"name\": \"x\", \"set\": {\"stage\": \"nowhere\"}}]}]}"
    e = assert_raises(Touchpoint::Error) { Touchpoint::RuleSet.compile(text, source: "inline") }
    assert_equal ["inline", 2, 34, "$.groups[0].rules[0].set.stage"], [e.source, e.line, e.column, e.path]
  end

  def test_missing_file_and_bad_catalog
    e = assert_raises(Touchpoint::Error) { Touchpoint::Classifier.new(rules: "/nonexistent/rules.json") }
    assert_equal ["TP_EIO", "/nonexistent/rules.json"], [e.name, e.source]
    e = assert_raises(Touchpoint::Error) do
      Touchpoint::Catalog.parse("{\n  \"channels\": [{\"id\": \"web\", \"kind\": \"digitl\"}]\n}\n", source: "cat.json")
    end
    assert_equal ["cat.json", 2, 38, "$.channels[0].kind", "TP_ESCHEMA"], [e.source, e.line, e.column, e.path, e.name]
  end

  def test_status_without_entries
    e = assert_raises(Touchpoint::Error) { Touchpoint.parse_timestamp("yesterday") }
    assert_equal "TP_ESYNTAX", e.name
    assert_equal Touchpoint.strerror(e.code), e.message
    assert_equal [0, 0, nil, nil], [e.line, e.column, e.source, e.path]
    assert_equal [e], e.errors
    assert_operator Touchpoint::Error, :<, StandardError
  end
end
