"""Guidance and rationales: CommonMark rendered safely into a QTextBrowser.

Raw HTML in the source is shown as text (markdown-it's "commonmark" preset with html off), and
the browser never loads anything remote: images and links to other hosts are refused, so a
lesson file cannot run scripts or phone home. Headings that start with a clause id get an
anchor and a badge, so a reveal can link to the clause it rests on.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from markdown_it import MarkdownIt
from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)

STYLE = """
<style>
h1 { font-size: 20pt; margin-bottom: 8px; }
h2 { font-size: 15pt; margin-top: 14px; }
h3 { font-size: 13pt; }
p, li { font-size: 11.5pt; line-height: 140%; }
code { font-family: monospace; }
.clause { background-color: #0b63b5; color: #ffffff; font-weight: bold; }
blockquote { margin-left: 12px; font-style: italic; }
</style>
"""


def clause_anchor(clause_id: str) -> str:
    return "clause-" + re.sub(r"[^A-Za-z0-9_-]", "-", clause_id)


def render_markdown(text: str, clause_ids: Iterable[str] = ()) -> str:
    """HTML for Qt's rich text: escaped raw HTML, clause headings anchored and badged."""
    body = _MARKDOWN.render(text)
    ids = sorted(set(clause_ids), key=len, reverse=True)  # GR-2.1 before GR-2

    def badge(match: re.Match[str]) -> str:
        level, inner = match.group(1), match.group(2)
        for clause_id in ids:
            if inner.startswith(html.escape(clause_id)):
                rest = inner[len(html.escape(clause_id)) :]
                return (
                    f'<a name="{clause_anchor(clause_id)}"></a><h{level}>'
                    f'<span class="clause">&nbsp;{html.escape(clause_id)}&nbsp;</span>{rest}'
                    f"</h{level}>"
                )
        return match.group(0)

    return STYLE + _HEADING.sub(badge, body)


class MarkdownView(QTextBrowser):
    """Read-only Markdown; local anchors scroll, remote links open only in the user's browser."""

    clause_link_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None, name: str = "markdownView"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)

    def set_markdown(self, text: str, clause_ids: Iterable[str] = ()) -> None:
        self.setHtml(render_markdown(text, clause_ids))

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 - Qt override
        return None  # nothing is ever fetched: no remote images, no local file reads

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "clause":
            self.clause_link_activated.emit(url.path())
        elif not url.scheme() and url.fragment():
            self.scrollToAnchor(url.fragment())
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)  # the user's own browser, by their click
