# SPDX-License-Identifier: MIT
"""A small, forgiving reader of C source for the ABI and doc tests.

Not a C parser: enough to list the functions a public header declares,
their return type, their parameter names and the doc comment in front of
them, and to strip comments and preprocessor lines while keeping every
character at its offset (so positions map back to the original text).
Standard library only.
"""

import re

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Words that may stand before a declaration without being its return type.
_QUALIFIERS = {"extern", "inline", "__inline", "__inline__", "TP_EXPORT",
               "TP_DEPRECATED"}


def _blank(s):
    return re.sub(r"[^\n]", " ", s)


def strip_comments(text, keep_strings=False):
    """Blank out comments and string/char literal contents, keep offsets."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(_blank(text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(_blank(text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            seg = text[i:j]
            if keep_strings or len(seg) < 2:
                out.append(seg)
            else:
                out.append(seg[0] + _blank(seg[1:-1]) + seg[-1])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def strip_preprocessor(text):
    """Blank out preprocessor lines (with continuations), keep offsets."""
    out = []
    cont = False
    for line in text.split("\n"):
        if cont or line.lstrip().startswith("#"):
            cont = line.rstrip().endswith("\\")
            out.append(" " * len(line))
        else:
            out.append(line)
    return "\n".join(out)


def _split_params(s):
    """Split a parameter list at top-level commas."""
    parts, depth, cur = [], 0, []
    for c in s:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _param_name(p):
    """The name of one parameter, or None (void, ..., unnamed)."""
    p = re.sub(r"__attribute__\s*\(\(.*?\)\)", " ", p)
    if p in ("void", "..."):
        return None
    fp = re.search(r"\(\s*\*\s*(?:const\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*\)", p)
    if fp:  # a function pointer: ret (*name)(args)
        return fp.group(1)
    p = re.sub(r"\[[^\]]*\]", "", p)  # arrays
    ids = IDENT.findall(p)
    if len(ids) < 2:
        return None  # only a type: unnamed parameter
    name = ids[-1]
    if name in ("const", "volatile", "restrict", "int", "char", "long",
                "short", "unsigned", "signed", "float", "double", "void"):
        return None
    return name


def declarations(path):
    """List the functions declared at file scope in a header.

    Returns dicts: name, line, start (offset of the declaration in the raw
    text), ret (the return type text), void (True when it returns nothing),
    params ([name or None]), doc (the /** */ comment right before it, or
    None), text (the raw text).
    """
    raw = open(path, encoding="utf-8").read()
    text = strip_preprocessor(strip_comments(raw))
    text = re.sub(r'extern\s*"[^"]*"\s*\{', lambda m: " " * len(m.group(0)), text)
    found = []
    seen = set()

    def statement(s, offset):
        body = s.strip()
        offset += len(s) - len(s.lstrip())
        if not body or "(" not in body:
            return
        if re.match(r"(typedef|static)\b", body):
            return
        head = body.split("{")[0]
        if re.match(r"(struct|enum|union)\b", head) and "(" not in head:
            return
        pm = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(", head)
        if not pm:
            return
        before = head[:pm.start()].rstrip()
        if head[pm.end():].lstrip().startswith("*"):
            return  # a function pointer variable: 'int (*name)(...)'
        if before.endswith("(") or not before:
            return
        # The parameter list: from the '(' after the name to its match.
        open_at = offset + pm.end() - 1
        depth, j = 0, open_at
        while j < len(text):
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        params = [_param_name(p) for p in _split_params(text[open_at + 1:j])]
        ret_words = [w for w in re.sub(r"__attribute__\s*\(\(.*?\)\)", " ",
                                       before).split()
                     if w not in _QUALIFIERS]
        ret = " ".join(ret_words)
        name = pm.group(1)
        if name in seen:
            return
        seen.add(name)
        # The doc comment: the last /** ... */ that ends right before.
        doc = None
        end = raw.rfind("*/", 0, offset)
        if end >= 0 and not raw[end + 2:offset].strip():
            begin = raw.rfind("/*", 0, end)
            if begin >= 0 and raw.startswith("/**", begin):
                doc = raw[begin:end + 2]
        found.append({
            "name": name,
            "line": text.count("\n", 0, offset + pm.start(1)) + 1,
            "start": offset,
            "ret": ret,
            "void": re.sub(r"\s+", " ", ret).strip() == "void",
            "params": params,
            "doc": doc,
            "text": raw,
        })

    depth = 0
    start = 0
    for i, c in enumerate(text):
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
            if depth == 0:
                seg = text[start:i + 1]
                head = seg.split("{")[0]
                if re.search(r"\)\s*$", head):  # an inline definition
                    statement(seg, start)
                    start = i + 1
                elif seg.strip() == "}":  # the close of extern "C"
                    start = i + 1
        elif c == ";" and depth == 0:
            statement(text[start:i], start)
            start = i + 1
    return found
