# SPDX-License-Identifier: MIT
# frozen_string_literal: true

module Touchpoint
  # A libtouchpoint call failed.
  #
  # One Error is made per entry of the library's error object (a rule file
  # may have many faults); the first is raised and all are in #errors.
  # #message is the located text "FILE:LINE:COL: reason (at PATH)";
  # #reason is the library's message alone.
  class Error < StandardError
    # The tp_status (a negative Integer) and its name ("TP_ESYNTAX").
    attr_reader :code, :name
    # The message without location.
    attr_reader :reason
    # File name (or the name given to a string), 1-based line and column
    # (0 when unknown), JSON path of the offending member (or nil).
    attr_reader :source, :line, :column, :path
    # Every fault of the call, this one first; faults left out past the
    # library's limit.
    attr_accessor :errors, :dropped

    def initialize(code, reason = nil, source: nil, line: 0, column: 0, path: nil, formatted: nil)
      @code = code
      @name = Lib.str(Lib.tp_status_name(code))
      @reason = reason || ::Touchpoint.strerror(code)
      @source = source
      @line = line
      @column = column
      @path = path
      @errors = [self]
      @dropped = 0
      super(formatted || @reason)
    end

    # The Error for a failed call: the entries of the tp_error +err+ (may
    # be nil), or the status alone.
    def self.from_tp_error(status, err)
      entries = []
      if err && !err.null?
        entries = Array.new(Lib.tp_error_count(err)) { |i| entry(err, i) }
      end
      entries = [new(status)] if entries.empty?
      dropped = err && !err.null? ? Lib.tp_error_dropped(err) : 0
      entries.each do |e|
        e.errors = entries
        e.dropped = dropped
      end
      entries.first
    end

    def self.entry(err, i)
      n = Lib.tp_error_format(err, i, nil, 0)
      formatted = nil
      if n >= 0
        buf = FFI::MemoryPointer.new(:char, n + 1)
        Lib.tp_error_format(err, i, buf, n + 1)
        formatted = buf.read_string.force_encoding(Encoding::UTF_8)
      end
      new(Lib.tp_error_code(err, i), Lib.str(Lib.tp_error_message(err, i)),
          source: Lib.str(Lib.tp_error_source(err, i)), line: Lib.tp_error_line(err, i),
          column: Lib.tp_error_column(err, i), path: Lib.str(Lib.tp_error_path(err, i)),
          formatted: formatted)
    end
    private_class_method :entry

    # Raise for a negative status; return it otherwise.
    def self.check(status, err = nil)
      raise from_tp_error(status, err) if status.negative?

      status
    end

    # Call a function with a fresh tp_error as its last argument; raise
    # Error on failure.
    def self.call(fn, *args)
      with_error { |err| check(Lib.send(fn, *args, err), err) }
    end

    # Yield a fresh tp_error, freed afterwards.
    def self.with_error
      err = Lib.tp_error_new
      raise NoMemoryError, "touchpoint: tp_error_new failed" if err.null?

      begin
        yield err
      ensure
        Lib.tp_error_free(err)
      end
    end
  end

  # A short English description of a status code.
  def self.strerror(code)
    Lib.str(Lib.tp_strerror(code))
  end

  # The identifier of a status code: -4 -> "TP_ESYNTAX".
  def self.status_name(code)
    Lib.str(Lib.tp_status_name(code))
  end
end
