"""The Models tab on `calibrate demo`'s database: the demo's model run beside the
moderators, its faults in view (satire over-enforced, one escalation missed), and a case
where the model and the room disagree opened to its clip, golden, rationale and split."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from tests.test_lead_dashboard import demo_window, open_dashboard, tab_index, table_rows

__all__ = ["demo_window"]  # the fixture, shared with the dashboard's tests


def show_models(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    dashboard.tabs.setCurrentIndex(tab_index(dashboard, "Models"))
    tab = dashboard.findChild(QWidget, "scoreboardTab")
    qtbot.waitUntil(lambda: tab.scoreboard is not None, timeout=20000)
    return tab


def test_the_demo_run_is_scored_beside_the_moderators(qtbot, demo_window) -> None:
    tab = show_models(qtbot, demo_window)
    titles = [tab.picker.itemText(i) for i in range(tab.picker.count())]
    assert titles == [
        f"policy-llm 2026-11-demo on {p.title}"
        for p in sorted(demo_window.context.library.packs, key=lambda p: p.id)
        if p.id in {"graphic-content", "harassment", "regulated-goods"}
    ]
    rows = {row["Pack"]: row for row in table_rows(tab.figures)}  # packs by their titles
    harassment = rows["Harassment & bullying"]
    assert harassment["Missed escalations"] == "1"
    assert harassment["Over enforcement"] == "25%"  # 2 of 8: the satire and the roast
    assert harassment["Moderators"] == "40"
    assert rows["Shocking & graphic content"]["Missed escalations"] == "0"
    tab.picker.setCurrentIndex(list(rows).index("Harassment & bullying"))
    assert {"hb-minister-satire", "hb-friends-roast", "hb-cafe-threat"} <= {
        row[3]
        for row in tab.cases.rows  # the CSV keeps the ids
    }
    shown = {row["Case"]: row for row in table_rows(tab.cases)}  # cases by their titles
    satire = shown["Cartoon of the Finance Minister as a clown"]
    assert (satire["Golden"], satire["Model"], satire["Room majority"]) == (
        "Allow",
        "Remove",
        "Allow",
    )
    figure = tab.chart.canvas.figure
    assert "harassment" in figure.texts[0].get_text().lower()  # its title names the pack


def test_a_disagreement_opens_to_the_case_and_the_models_decision(
    qtbot, demo_window, monkeypatch
) -> None:
    from calibrate.gui import prompts

    tab = show_models(qtbot, demo_window)
    tab.picker.setCurrentIndex([e.pack.pack_id for e in tab.scoreboard.entries].index("harassment"))
    opened = []

    def look(dialog) -> int:
        opened.append(
            (
                dialog.windowTitle(),
                " ".join(label.text() for label in dialog.findChildren(QLabel)),
                dialog.findChild(QWidget, "caseDetailRationale").toPlainText(),
                dialog.player is not None,
                dialog.findChild(QPushButton, "openInEditorButton").isVisibleTo(dialog),
            )
        )
        return 0

    monkeypatch.setattr(prompts, "run_dialog", look)
    cases = [row[3] for row in tab.cases.rows]
    tab.cases.row_activated.emit(cases.index("hb-minister-satire"))
    title, summary, rationale, has_clip, editor = opened[0]
    case = demo_window.context.pack("harassment").cases["hb-minister-satire"]
    assert title == "harassment / hb-minister-satire" and has_clip
    assert "Model policy-llm</b> chose <b>Remove" in summary
    assert "the room's majority chose <b>Allow" in summary
    assert case.rationale.split()[0] in rationale
    assert not editor  # the editor opens from the dashboard's own lists


def test_the_demo_runs_cli_score_shows_its_planted_faults(demo_window) -> None:
    db = demo_window.context.db_path
    out = subprocess.run(
        [sys.executable, "-m", "calibrate", "machine", "score", "policy-llm", "--db", str(db)]
        + ["--json", "--pack", "harassment"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    result = json.loads(out)
    assert result["missed_escalations"] == 1 and result["over_enforcement"]["value"] == 2 / 8
    labels = result["packs"]["harassment"]["confusion_matrix"]["labels"]
    counts = result["packs"]["harassment"]["confusion_matrix"]["counts"]
    assert counts[labels.index("allow")][labels.index("remove")] == 2  # satire and roast
    assert counts[labels.index("escalate")][labels.index("remove")] == 1


@pytest.mark.parametrize("dark", [False, True])
def test_the_scoreboard_chart_draws_light_and_dark(qtbot, demo_window, dark) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from calibrate.charts.dashboard.machines import scoreboard_figure

    tab = show_models(qtbot, demo_window)
    for entry in tab.scoreboard.entries:
        figure = scoreboard_figure(entry, dark=dark)
        FigureCanvasAgg(figure).draw()
        assert len(figure.axes) == 3
