"""News bodies as safe HTML (pure: no Django).

Editors write plain text with a few marks: blank lines between paragraphs, `## ` for a
subheading, `- ` for list items, `**bold**`, and web addresses, which become links. Everything
else is text: every `<`, `>`, `&` and quote is escaped before any mark is turned into a tag, so
no HTML from the author (or anyone who got hold of an account) reaches a visitor's browser.
"""

import html
import re

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# Addresses are found in the escaped text; a trailing full stop or comma is not part of one.
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def _inline(escaped: str) -> str:
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _URL.sub(lambda m: f'<a href="{m.group(0)}" rel="nofollow noopener">{m.group(0)}</a>',
                    escaped)


def render(text: str) -> str:
    """HTML for a body written with the marks above; safe to show as is."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        # Consecutive lines of one kind (list items, text) form one list or one paragraph.
        run_kind, run = "", []
        for kind, line in [*((_kind(line), line) for line in lines), ("end", "")]:
            if run and (kind != run_kind or kind == "h2"):
                out.append(_block(run_kind, run))
                run = []
            run_kind = kind
            run.append(line)
    return "\n".join(out)


def _kind(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith("## "):
        return "h2"
    return "li" if stripped.startswith("- ") else "p"


def _block(kind: str, lines: list[str]) -> str:
    if kind == "h2":
        return f"<h2>{_inline(html.escape(lines[0].lstrip()[3:].strip()))}</h2>"
    if kind == "li":
        return "<ul>" + "".join(f"<li>{_inline(html.escape(line.lstrip()[2:].strip()))}</li>"
                                for line in lines) + "</ul>"
    return "<p>" + "<br>".join(_inline(html.escape(line)) for line in lines) + "</p>"


def plain(text: str, length: int = 200) -> str:
    """The body without marks, cut at a word boundary to about `length` characters (for lists)."""
    unmarked = re.sub(r"(?m)^\s*(?:## |- )", "", _BOLD.sub(r"\1", text or ""))
    flat = re.sub(r"\s+", " ", unmarked).strip()
    if len(flat) <= length:
        return flat
    cut = flat[:length].rsplit(" ", 1)[0]
    return cut + " …"
