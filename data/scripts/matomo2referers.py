#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Convert Matomo's referrer lists to the Snowplow referers JSON format.

Usage:
    matomo2referers.py [--search SearchEngines.yml] [--social Socials.yml]
                       [--chatbot AIAssistants.yml] -o OUTPUT.json

The Matomo lists (github.com/matomo-org/searchengine-and-social-list, CC0)
become one JSON object with the media "search", "social" and "chatbot",
in the format of Snowplow's referer-parser (referers.json):

    {"search": {"Google": {"domains": ["google.com", ...],
                           "parameters": ["q"]}}, ...}

with the extensions libtouchpoint's loader understands (docs/referrers.md):

- a domain may hold `{}` for a country code, as in Matomo (`google.{}`);
- a parameter written `/regex/` is a regular expression whose first group,
  matched against the whole referrer URL, is the search term;
- a source whose Matomo configurations have different parameters is an
  array of {"domains", "parameters"} blocks, one per parameter list.

A host listed by several files keeps the last medium, in the order search,
social, chatbot: chatgpt.com is an AI assistant even though
SearchEngines.yml lists it too. The search engine's parameters are kept on
the later entry when it has none of its own, so the term is still found.

Matomo's backlinks, charsets and hidden-keyword paths have no equivalent
in the format and are left out. Only the Python standard library is used:
the files are read with the small YAML subset parser below, which refuses
anything outside the subset instead of guessing.
"""

import argparse
import json
import os
import re
import sys


class YamlError(Exception):
    def __init__(self, source, line, message):
        Exception.__init__(self, "%s:%d: %s" % (source, line, message))


# ---- a YAML subset: block mappings and sequences, scalars, [] and {} ----

def _strip_comment(text):
    """Remove a comment: '#' at the start or after a space, outside quotes."""
    quote = None
    i = 0
    while i < len(text):
        c = text[i]
        if quote == "'":
            if c == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    i += 1
                else:
                    quote = None
        elif quote == '"':
            if c == "\\":
                i += 1
            elif c == '"':
                quote = None
        elif c in "'\"" and (i == 0 or text[i - 1] in " \t-:[,"):
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
        i += 1
    return text.rstrip()


class _Parser:
    def __init__(self, text, source):
        self.source = source
        self.lines = []
        for no, raw in enumerate(text.splitlines(), 1):
            body = raw.lstrip(" ")
            if body.startswith("\t"):
                self.fail(no, "tabs are not allowed for indentation")
            content = _strip_comment(raw)
            if not content.strip():
                continue
            if content.strip() in ("---", "...") and not raw.startswith(" "):
                continue
            indent = len(content) - len(content.lstrip(" "))
            self.lines.append([indent, content.strip(), no])
        self.pos = 0

    def fail(self, line, message):
        raise YamlError(self.source, line, message)

    def parse(self):
        if not self.lines:
            return None
        value = self.block(self.lines[0][0])
        if self.pos < len(self.lines):
            self.fail(self.lines[self.pos][2], "unexpected indentation")
        return value

    @staticmethod
    def is_item(text):
        return text == "-" or text.startswith("- ")

    def block(self, indent):
        if self.is_item(self.lines[self.pos][1]):
            return self.sequence(indent)
        return self.mapping(indent)

    def sequence(self, indent):
        items = []
        while self.pos < len(self.lines):
            ind, text, no = self.lines[self.pos]
            if ind != indent or not self.is_item(text):
                break
            rest = text[1:].lstrip(" ")
            if rest == "":
                self.pos += 1
                if self.pos < len(self.lines) and self.lines[self.pos][0] > indent:
                    items.append(self.block(self.lines[self.pos][0]))
                else:
                    items.append(None)
            elif self.is_item(rest) or self.split_key(rest, no, quiet=True) is not None:
                # "- key: value" or "- - x": a node that starts on the
                # item's line, at the column of its first character.
                column = indent + (len(text) - len(rest))
                self.lines[self.pos] = [column, rest, no]
                items.append(self.block(column))
            else:
                items.append(self.scalar(rest, no))
                self.pos += 1
        if self.pos < len(self.lines) and self.lines[self.pos][0] > indent:
            self.fail(self.lines[self.pos][2], "unexpected indentation")
        return items

    def mapping(self, indent):
        result = {}
        while self.pos < len(self.lines):
            ind, text, no = self.lines[self.pos]
            if ind != indent:
                break
            if self.is_item(text):
                self.fail(no, "a sequence item where a mapping key was expected")
            key, rest = self.split_key(text, no)
            if key in result:
                self.fail(no, "duplicate key %r" % key)
            self.pos += 1
            if rest == "":
                nxt = self.lines[self.pos] if self.pos < len(self.lines) else None
                if nxt and nxt[0] > indent:
                    value = self.block(nxt[0])
                elif nxt and nxt[0] == indent and self.is_item(nxt[1]):
                    value = self.sequence(indent)
                else:
                    value = None
            else:
                value = self.scalar(rest, no)
            result[key] = value
        if self.pos < len(self.lines) and self.lines[self.pos][0] > indent:
            self.fail(self.lines[self.pos][2], "unexpected indentation")
        return result

    def split_key(self, text, no, quiet=False):
        """Split "key: rest" into (key, rest); None (quiet) or fail."""
        if text[0] in "'\"":
            key, end = self.quoted(text, 0, no)
            after = text[end:]
            if after == ":" or after.startswith(": "):
                return key, after[1:].strip()
            if quiet:
                return None
            self.fail(no, "expected ':' after the quoted key")
        m = re.search(r":( |$)", text)
        if not m or text[0] in "[{&*!|>%@`":
            if quiet:
                return None
            self.fail(no, "expected 'key: value'")
        return text[:m.start()].rstrip(), text[m.end():].strip()

    def quoted(self, text, start, no):
        """Read a quoted scalar at text[start]; returns (value, end)."""
        q = text[start]
        out = []
        i = start + 1
        while i < len(text):
            c = text[i]
            if q == "'":
                if c == "'":
                    if i + 1 < len(text) and text[i + 1] == "'":
                        out.append("'")
                        i += 2
                        continue
                    return "".join(out), i + 1
                out.append(c)
            else:
                if c == '"':
                    return "".join(out), i + 1
                if c == "\\":
                    i += 1
                    if i >= len(text):
                        break
                    e = text[i]
                    simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0",
                              "\\": "\\", '"': '"', "/": "/", " ": " "}
                    if e in simple:
                        out.append(simple[e])
                    elif e in "xuU":
                        width = {"x": 2, "u": 4, "U": 8}[e]
                        digits = text[i + 1:i + 1 + width]
                        if not re.fullmatch(r"[0-9A-Fa-f]{%d}" % width, digits):
                            self.fail(no, "bad \\%s escape" % e)
                        out.append(chr(int(digits, 16)))
                        i += width
                    else:
                        self.fail(no, "unsupported escape \\%s" % e)
                else:
                    out.append(c)
            i += 1
        self.fail(no, "unterminated quoted string")

    def scalar(self, text, no):
        if text[0] in "'\"":
            value, end = self.quoted(text, 0, no)
            if text[end:].strip():
                self.fail(no, "unexpected text after a quoted string")
            return value
        if text == "[]":
            return []
        if text == "{}":
            return {}
        if text.startswith("["):
            if not text.endswith("]"):
                self.fail(no, "a flow sequence must end on its line")
            inner = text[1:-1].strip()
            if not inner:
                return []
            return [self.scalar(part.strip(), no) for part in _split_flow(inner)]
        if text[0] in "{&*!|>%@`":
            self.fail(no, "unsupported YAML construct %r" % text)
        if re.search(r":( |$)", text) or " #" in text:
            self.fail(no, "a plain scalar cannot hold ': ' or ' #'; quote it")
        if text in ("~", "null"):
            return None
        return text


def _split_flow(text):
    parts, quote, cur = [], None, []
    for c in text:
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == ",":
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(c)
    parts.append("".join(cur))
    return parts


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return _Parser(text, os.path.basename(path)).parse()


# ---- conversion ----

def _fail(path, message):
    raise YamlError(os.path.basename(path), 0, message)


def _normalize(url):
    """Matomo url -> Snowplow domain, and the key entries replace by."""
    url = url.strip()
    # "android-app//com.google.android.googlequicksearchbox/https/www.google.com":
    # an app referrer; the loader sees its host and path.
    m = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:?//", url)
    if m:
        url = url[m.end():]
    host, _, path = url.partition("/")
    key_host = host.lower()
    if key_host.startswith("www.") and len(key_host) > 4:
        key_host = key_host[4:]
    key_path = ("/" + path).rstrip("/").lower() if path else ""
    return url, key_host.rstrip(".") + key_path


def _read_search(path):
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        _fail(path, "expected a mapping of search engine names")
    entries = []
    for name, configs in data.items():
        if not isinstance(configs, list):
            _fail(path, "%s: expected a list of configurations" % name)
        for cfg in configs:
            if not isinstance(cfg, dict) or not isinstance(cfg.get("urls"), list):
                _fail(path, "%s: a configuration needs a list of urls" % name)
            params = cfg.get("params") or []
            if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
                _fail(path, "%s: params must be a list of strings" % name)
            for url in cfg["urls"]:
                if not isinstance(url, str):
                    _fail(path, "%s: a url must be a string" % name)
                entries.append(("search", str(name), url, list(params)))
    return entries


def _read_simple(path, medium):
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        _fail(path, "expected a mapping of names")
    entries = []
    for name, urls in data.items():
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            _fail(path, "%s: expected a list of urls" % name)
        for url in urls:
            entries.append((medium, str(name), url, []))
    return entries


def convert(search=None, social=None, chatbot=None):
    entries = []
    if search:
        entries += _read_search(search)
    if social:
        entries += _read_simple(social, "social")
    if chatbot:
        entries += _read_simple(chatbot, "chatbot")

    # Later entries replace earlier ones for the same host and path.
    final = {}
    for medium, name, url, params in entries:
        domain, key = _normalize(url)
        if key in final and not params:
            params = final[key][3]
        final.pop(key, None)
        final[key] = (medium, name, domain, params)

    # Group: medium -> source -> blocks of (parameters, domains).
    out = {}
    for medium in ("search", "social", "chatbot"):
        sources = {}
        for m, name, domain, params in final.values():
            if m != medium:
                continue
            blocks = sources.setdefault(name, [])
            for block in blocks:
                if block[0] == params:
                    block[1].append(domain)
                    break
            else:
                blocks.append((params, [domain]))
        if not sources:
            continue
        section = {}
        for name in _first_seen_order(entries, medium, sources):
            objs = []
            for params, domains in sources[name]:
                obj = {"domains": domains}
                if params:
                    obj["parameters"] = params
                objs.append(obj)
            section[name] = objs[0] if len(objs) == 1 else objs
        out[medium] = section
    return out


def _first_seen_order(entries, medium, sources):
    seen = []
    for m, name, _, _ in entries:
        if m == medium and name in sources and name not in seen:
            seen.append(name)
    return seen


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--search", help="Matomo SearchEngines.yml")
    ap.add_argument("--social", help="Matomo Socials.yml")
    ap.add_argument("--chatbot", help="Matomo AIAssistants.yml")
    ap.add_argument("-o", "--output", required=True, help="the JSON file to write")
    args = ap.parse_args(argv)
    try:
        data = convert(args.search, args.social, args.chatbot)
    except (YamlError, OSError, UnicodeDecodeError) as e:
        print("matomo2referers: %s" % e, file=sys.stderr)
        return 1
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
