"""The math inspector's formula markup and its two renderings.

Formulas are written once in a small markup and rendered twice, as rich
text for the sheet (:func:`to_html`, :func:`render_html`) and as plain text
for the clipboard (:func:`to_text`, :func:`render_text`): ``$x`` is an
italic variable, ``_(i)`` a subscript, ``^(2)`` a superscript and ``[[…]]``
the highlighted term of the selected parameter. :func:`n` writes a number,
:func:`sum_of` a written-out sum, and a :class:`Block` is one captioned
group of aligned equations.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlpviz.ui.style import theme

MINUS, NB = "\u2212", "\u00a0"  # a real minus; a no-break space keeps a term on one line
MAX_TERMS = 6  # a longer written-out sum shows its first, last and selected terms
LHS_WIDTH = 64  # px: one left column for every block, so all "=" line up down the sheet
_SUB = str.maketrans("0123456789aehijklmnoprstuvx+−()", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₊₋₍₎")
_SUP = str.maketrans("0123456789+−ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿⁱ")
_CSS = f"""
p.head {{ color: #555; margin: 0px; }}
p.cap {{ color: {theme.ACCENT.name()}; font-weight: 600; margin-top: 14px; margin-bottom: 3px; }}
span.where {{ color: #888; font-weight: normal; }}
p.note {{ color: #8a6d3b; margin-top: 3px; }}
table.eq {{ font-family: 'Cambria Math', 'STIX Two Math', 'DejaVu Serif', 'Times New Roman', serif;
            font-size: 14px; }}
span.hl {{ background-color: #cdeae6; font-weight: 600; }}
"""
_VAR = re.compile(r"\$([A-Za-zδησ]+)")
_SCRIPT = re.compile(r"([_^])\(([^()]*)\)")


def n(x: float, paren: bool = False) -> str:
    """A number to 4 decimals with a real minus; tiny and huge ones as a·10^(k)."""
    if not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("∞" if x > 0 else MINUS + "∞")
    x = x + 0.0  # −0.0 (e.g. δ·0) prints as 0.0000
    if x != 0 and (abs(x) < 5e-5 or abs(x) >= 1e6):
        mant, exp = f"{x:.3e}".split("e")
        text = f"{mant}·10^({int(exp)})"
    else:
        text = f"{x:.4f}"
    text = text.replace("-", MINUS)
    return f"({text})" if paren and x < 0 else text


def to_html(s: str) -> str:
    s = html.escape(s, quote=False).replace("·", "&middot;").replace(NB, "&nbsp;")
    s = s.replace("[[", "<span class='hl'>").replace("]]", "</span>")
    s = _VAR.sub(r"<i>\1</i>", s)
    return _SCRIPT.sub(
        lambda m: f"<{'sub' if m[1] == '_' else 'sup'}>{m[2]}</{'sub' if m[1] == '_' else 'sup'}>",
        s,
    )


def _script(m: re.Match) -> str:
    """Unicode sub/superscripts where every character has one: w₀, x², else w_new, e^(−s)."""
    sub = m[1] == "_"
    out = []
    for part in _VAR.sub(r"\1", m[2]).split(","):
        mapped = part.translate(_SUB if sub else _SUP)
        if all(a != b for a, b in zip(part, mapped)):
            out.append(mapped)
        else:
            out.append(f"_{part}" if sub else f"^({part})")
    return "".join(out)


def to_text(s: str) -> str:
    s = s.replace("[[", "").replace("]]", "").replace(NB, " ")
    return _VAR.sub(r"\1", _SCRIPT.sub(_script, s))


def sum_of(terms: Sequence[str], highlight: int | None = None) -> str:
    """``t0 + t1 + …``; past MAX_TERMS only the first three, the highlighted and the last."""
    keep = range(len(terms))
    if len(terms) > MAX_TERMS:
        keep = sorted({0, 1, 2, len(terms) - 1} | ({highlight} - {None}))
    out, prev = [], -1
    for k in keep:
        if k - prev > 1:
            out.append(f"…{NB}{k - prev - 1}{NB}more{NB}…")
        out.append(f"[[{terms[k]}]]" if k == highlight else terms[k])
        prev = k
    return " + ".join(out)


@dataclass
class Block:
    """A captioned group of aligned equations: rows of (lhs, rhs) in markup."""

    caption: str
    where: str
    anchor: str
    rows: list[tuple[str, str]]
    note: str = ""


def render_html(head: Sequence[str], blocks: Sequence[Block], focus: str | None) -> str:
    # The title is not repeated here: the widget shows it above, always visible.
    out = [f"<html><head><style>{_CSS}</style></head><body>"]
    out += [f"<p class='head'>{to_html(h)}</p>" for h in head]
    for b in blocks:
        out.append(f"<a name='{b.anchor}'></a><p class='cap'>{b.caption} &nbsp;")
        out.append(f"<span class='where'>{to_html(b.where)}</span></p>")
        # The focused block (step-through) gets a soft background.
        bg = " bgcolor='#f0f7f6'" if b.anchor == focus else ""
        out.append(f"<table class='eq' cellspacing='0' cellpadding='2'{bg}>")
        for lhs, rhs in b.rows:
            out.append(
                f"<tr><td align='right' width='{LHS_WIDTH}'>&nbsp;{to_html(lhs)}</td>"
                "<td>&nbsp;=&nbsp;</td>"
                f"<td>{to_html(rhs)}</td></tr>"
            )
        out.append("</table>")
        if b.note:
            out.append(f"<p class='note'>{to_html(b.note)}</p>")
    return "".join(out) + "</body></html>"


def render_text(title: str, head: Sequence[str], blocks: Sequence[Block]) -> str:
    lines = [to_text(title), *(to_text(h) for h in head)]
    for b in blocks:
        lines += ["", f"{b.caption} — {to_text(b.where)}"]
        width = max(len(to_text(lhs)) for lhs, _ in b.rows)
        lines += [f"  {to_text(lhs):>{width}} = {to_text(rhs)}" for lhs, rhs in b.rows]
        if b.note:
            lines.append(f"  ({to_text(b.note)})")
    return "\n".join(lines) + "\n"
