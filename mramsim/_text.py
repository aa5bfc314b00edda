"""Text that reaches a netlist, card or file name: one name check and one sanitiser.

Every string that ends up in generated SPICE / Verilog-A text passes exactly one
of these two gates:

* :func:`check_name` for identifiers (subcircuit, module, model, preset and
  node names): a whitelist matched with ``fullmatch``, so no trailing newline or
  any other character slips through;
* :func:`sanitize_text` for free text (titles, provenance, comments): every
  character of a Unicode line-break class (``str.splitlines`` breaks on \\n, \\r,
  \\v, \\f, \\x1c-\\x1e, U+0085, U+2028, U+2029) and every control or format
  character (Unicode categories Cc, Cf, Zl, Zp) is replaced by a space, so
  the text can never open a new netlist line, whatever the simulator's reader.
"""
from __future__ import annotations

import re
import unicodedata

from .errors import NetlistError

__all__ = ["check_name", "sanitize_text", "check_line", "check_card", "NAME_PATTERN", "RESERVED_NAMES",
           "CONTROL_WORDS"]

#: An identifier every dialect accepts: a letter or underscore, then up to 63 letters, digits or underscores.
NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

#: Words that one of the dialects would misread as a keyword.
RESERVED_NAMES = frozenset({
    "module", "endmodule", "analog", "begin", "end", "parameter", "real", "integer", "subckt",
    "ends", "model", "param", "parameters", "inout", "electrical", "temp", "temper", "time",
    "if", "else", "for", "while", "and", "or", "not", "include", "lib", "gnd", "control", "endc",
    "shell", "exec",
})

#: First words of a netlist line that would run commands or read other files in a simulator
#: (ngspice control blocks, ``shell``, includes) or end the netlist early.
CONTROL_WORDS = frozenset({".control", ".endc", "shell", ".include", ".inc", ".lib", ".exec", ".end",
                           "source", "exec"})

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def check_name(field: str, name) -> str:
    """Check that ``name`` is a plain identifier; return it unchanged.

    Allowed: ``[A-Za-z_][A-Za-z0-9_]{0,63}`` matched in full (``re.fullmatch``),
    and not a keyword of any dialect (:data:`RESERVED_NAMES`, case-insensitive).
    Anything else (spaces, line breaks of any kind, ``. * ; $ ' " { } ( ) = +``)
    could inject netlist lines and raises.

    Parameters
    ----------
    field : str
        Name of the argument or config key, for the error message.
    name : str
        The candidate identifier.

    Raises
    ------
    NetlistError
        The name is not a plain identifier.
    """
    if not isinstance(name, str) or NAME_PATTERN.fullmatch(name) is None or name.lower() in RESERVED_NAMES:
        raise NetlistError(
            f"{field} = {name!r} is invalid; allowed: an identifier [A-Za-z_][A-Za-z0-9_]* of at most "
            "64 characters that is not a SPICE/Verilog-A keyword (no spaces, line breaks or SPICE-significant "
            "characters)"
        )
    return name


def sanitize_text(text, max_length: int = 400) -> str:
    """Free text made safe for one comment or title line of a netlist.

    Every line-break, control, format, surrogate, private-use and unassigned
    code point becomes a space; runs of white space collapse to one; the result
    is stripped and cut to ``max_length`` characters. ``str(text).splitlines()``
    of the result always has at most one element.

    Parameters
    ----------
    text : object
        Anything; it is converted with ``str``.
    max_length : int
        Longest result [characters].

    Returns
    -------
    str
    """
    s = str(text)
    s = "".join(" " if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in s)
    s = " ".join(s.split())
    return s[:max_length]


def check_line(field: str, text) -> str:
    """Check that ``text`` is one netlist line (no line break or control character); return it.

    For text that was built from checked names and sanitised free text and is
    about to be split on ``"\\n"``: a line that still holds a character
    :func:`sanitize_text` would replace (``\\r``, ``\\v``, ``\\f``, ``\\x1c``-``\\x1e``,
    U+0085, U+2028, U+2029, any other control or format character) raises.
    Tabs are not allowed either.

    Raises
    ------
    NetlistError
        The text is not a single clean line.
    """
    s = str(text)
    bad = [ch for ch in s if unicodedata.category(ch) in _UNSAFE_CATEGORIES]
    if bad:
        raise NetlistError(f"{field} = {s[:80]!r} holds the line-break or control character {bad[0]!r}; "
                           "allowed: one line of printable text")
    return s


def check_card(field: str, text) -> list[str]:
    """Split card / subcircuit text on ``"\\n"`` and check every line; return the lines.

    Each line must pass :func:`check_line` (one line, no control character)
    and must not start with one of :data:`CONTROL_WORDS` (case-insensitive),
    so text spliced into a netlist can neither open a ``.control`` block, run
    ``shell`` nor include other files. A final empty line (text ending in
    ``"\\n"``) is kept.

    Raises
    ------
    NetlistError
        A line holds another line break or control character, or starts with a control word.
    """
    lines = str(text).split("\n")
    for ln in lines:
        check_line(field, ln)
        words = ln.split()
        if words and words[0].lower() in CONTROL_WORDS:
            raise NetlistError(f"{field}: the line {ln[:80]!r} starts with {words[0]!r}; allowed: element, "
                               f"model, subcircuit and parameter lines (no {', '.join(sorted(CONTROL_WORDS))})")
    return lines
