"""The docs' tables render as tables: a row split off its table by a blank line shows as a
paragraph of stray pipes on GitHub (CommonMark + GFM tables, as markdown-it renders them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")])


def stray_rows(text: str) -> list[str]:
    """The paragraphs that start like a table row: rows no table took in."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return [
        token.content.splitlines()[0][:60]
        for before, token in zip(tokens, tokens[1:], strict=False)
        if before.type == "paragraph_open" and token.content.lstrip().startswith("|")
    ]


def test_a_row_split_off_by_a_blank_line_is_found() -> None:
    table = "| key | meaning |\n|---|---|\n| `a` | one |\n"
    assert stray_rows(table + "| `b` | two |\n") == []
    assert stray_rows(table + "\n| `b` | two |\n") == ["| `b` | two |"]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_table_row_of_the_docs_is_inside_its_table(page: Path) -> None:
    assert stray_rows(page.read_text(encoding="utf-8")) == []
