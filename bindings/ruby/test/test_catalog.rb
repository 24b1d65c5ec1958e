# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require_relative "test_helper"

class TestCatalog < Minitest::Test
  include TestPaths

  def setup
    @cat = Touchpoint::Catalog.default
    @json = JSON.parse(File.read(DEFAULT_CATALOG_JSON))
  end

  def teardown
    @cat.close
  end

  def test_default_catalog_is_data_catalog_default_json
    assert_equal(@json["channels"].map { |c| c["id"] }, @cat.channels.map(&:id))
    assert_equal(@json["touchpoints"].map { |t| t["id"] }, @cat.touchpoints.map(&:id))
    assert_equal(@json["stages"].map { |s| s["id"] }, @cat.stages.map(&:id))
    assert_equal(@json["funnels"].map { |f| [f["id"], f["stages"]] }, @cat.funnels.map { |f| [f.id, f.stages] })
    @cat.channels.zip(@json["channels"]).each do |ch, want|
      assert_equal want.fetch("name", want["id"]), ch.name
      assert_equal want.fetch("kind", "unknown"), ch.kind
    end
    @cat.touchpoints.zip(@json["touchpoints"]).each do |t, want|
      assert_equal want["channel"], t.channel
      want["stage"].nil? ? assert_nil(t.stage) : assert_equal(want["stage"], t.stage)
      %w[initiator personalization intent control agent business_model].each do |dim|
        assert_equal want.fetch(dim, "unknown"), t.dimensions[dim], "#{t.id} #{dim}"
      end
    end
  end

  def test_objects_and_lookups
    t = @cat.touchpoint("welcome_email")
    assert_equal ["email", "consideration", "pre_purchase", "digital", "brand"],
                 [t.channel, t.stage, t.phase, t.kind, t.initiator]
    assert t.respond_to?(:business_model)
    assert_raises(NoMethodError) { t.no_such_dimension }
    assert_equal %w[discovery consideration preference intention sale recommendation loyalty],
                 @cat.funnel("seven_stage").stages
    assert_equal "purchase", @cat.stage("sale").phase
    assert_equal "digital", @cat.channel("email").kind
    assert_same @cat.channels[@cat.channel("email").index], @cat.channel("email")
    %i[channel touchpoint stage funnel].each do |m|
      assert_raises(KeyError) { @cat.send(m, "carrier_pigeon") }
    end
    assert_equal @cat.touchpoints.size, @cat.each_touchpoint.count
    assert_equal(@cat.touchpoints.select { |x| x.stage.nil? }, @cat.touchpoints_of_stage(nil))
  end

  def test_round_trip
    text = @cat.to_json
    assert_equal text, @cat.to_json
    Touchpoint::Catalog.parse(text, source: "saved") { |again| assert_equal @cat, again }
    Dir.mktmpdir do |dir|
      path = File.join(dir, "c.json")
      @cat.save(path)
      assert_equal text, File.read(path)
      Touchpoint::Catalog.load(path) do |back|
        assert_equal @cat, back
        assert_equal text, back.to_json
      end
    end
    h = @cat.to_h
    assert_equal(@json["channels"].map { |c| c["id"] }, h["channels"].map { |c| c["id"] })
    Touchpoint::Catalog.parse(h) { |c| assert_equal @cat, c }
    small = Touchpoint::Catalog.parse({ "channels" => [{ "id" => "web" }] })
    refute_equal @cat, small
    refute_equal @cat, 3
    small.close
  end

  def test_builder
    c = Touchpoint::CatalogBuilder.build do |b|
      b.add_channel("website", "Web shop", kind: "digital")
       .add_channel("email", "E-mail", kind: "digital")
       .add_stage("discovery", "Discovery", phase: "pre_purchase")
       .add_stage("loyalty", "Loyalty", phase: "post_purchase")
       .add_touchpoint("newsletter", "email", "Monthly newsletter", stage: "discovery",
                       initiator: "brand", personalization: "mass", agent: "machine")
       .add_touchpoint("thank_you", "email", stage: "loyalty", business_model: "b2c")
       .add_funnel("shop", %w[discovery loyalty], "Shop journey")
    end
    n = c.touchpoint("newsletter")
    assert_equal ["Monthly newsletter", "email", "discovery", "pre_purchase", "brand", "mass", "machine", "unknown"],
                 [n.name, n.channel, n.stage, n.phase, n.initiator, n.personalization, n.agent, n.intent]
    t = c.touchpoint("thank_you")
    assert_equal ["thank_you", "post_purchase", "b2c"], [t.name, t.phase, t.business_model]
    assert_equal %w[discovery loyalty], c.funnel("shop").stages
    c.close
  end

  def test_builder_faults
    b = Touchpoint::CatalogBuilder.new
    b.add_channel("Bad Id")
    b.add_touchpoint("visit", "nowhere")
    e = assert_raises(Touchpoint::Error) { b.finish }
    assert_equal ["$.channels[0].id", "$.touchpoints[0].channel"], e.errors.map(&:path)
    assert_raises(Touchpoint::Error) { b.add_channel("x", kind: "teleport") }
    assert_raises(ArgumentError) { b.add_touchpoint("x", "web", kind: "digital") }
    b.close
    b.close
  end
end
