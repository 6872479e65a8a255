"""Pack and user text in Qt widgets, shown as the words they are, never as HTML.

Qt renders any label or tooltip text that looks like HTML as HTML (Qt.mightBeRichText): a
profile named `<img src=/some/file width=6000>` loaded that file and grew the window. Labels
that show such text alone are Qt.PlainText; where it is mixed into markup it is escaped.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QSizePolicy


def fit_to_width(label: QLabel) -> QLabel:
    """A label of pack or user text that wraps, and never widens its window: however long
    a name or title (a word of hundreds of letters included), the window keeps its size."""
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def tooltip(text: str) -> str:
    """A tooltip that shows text literally (a tooltip has no text format of its own)."""
    return f"<p>{html.escape(text)}</p>" if text else ""
