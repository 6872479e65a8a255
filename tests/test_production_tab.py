"""A lead opens the Production tab on the demo: production signals beside calibration per pack
and week, the weeks lessons were first taken marked, the caution said, the chart and table
saved; and the demo's planted effect — harassment overturns fall once its lessons are taken,
the other packs' do not — is there in the numbers the tab charts."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D

from calibrate.core.signals.production import SHORT_CAUTION, overturns_around_lessons
from tests.test_lead_dashboard import demo_window as demo_window  # the fixture
from tests.test_lead_dashboard import open_dashboard, show_tab, table_rows


def open_production(qtbot, window):
    dashboard = open_dashboard(qtbot, window)
    show_tab(qtbot, dashboard, "Production")
    return dashboard


def test_the_production_tab_charts_every_demo_pack_beside_calibration(qtbot, demo_window) -> None:
    dashboard = open_production(qtbot, demo_window)
    section = dashboard.result.dashboard.production
    assert section.packs == ("graphic-content", "harassment", "regulated-goods")
    assert {len(section.of_pack(p)) for p in section.packs} == {52}  # a year of weeks
    figure = dashboard.charts["production"].canvas.figure
    titles = [a.get_title(loc="left") for a in figure.axes if a.get_title(loc="left")]
    assert titles == [
        "Shocking & graphic content",
        "Harassment & bullying",
        "Weapons, drugs and dangerous challenges",
    ]
    # Each row marks the weeks its pack's lessons were first taken, in every panel.
    harassment = figure.axes[3:6]
    taken = [w.week for w in section.of_pack("harassment") if w.first_taken]
    assert taken
    for axes in harassment:
        marks = [
            line.get_xdata()[0]
            for line in axes.get_lines()
            if isinstance(line, Line2D) and line.get_linestyle() == "--"
        ]
        assert [np.datetime64(m, "D") for m in marks] == [np.datetime64(t, "D") for t in taken]
    legend = figure.legends[0]
    assert legend.get_title().get_text() == SHORT_CAUTION
    caption = dashboard.charts["production"].caption.text()
    assert "Association, not proof" in caption and "not a random sample" in caption
    rows = table_rows(dashboard.tables["production"])
    assert len(rows) == 3 * 52
    assert "not proof" in dashboard.tables["production"].caption.text()


def test_the_planted_harassment_effect_is_in_the_charted_numbers(qtbot, demo_window) -> None:
    section = open_production(qtbot, demo_window).result.dashboard.production
    harassment = overturns_around_lessons(section, "harassment")
    assert harassment is not None and harassment.weeks_after >= 2
    before, after = harassment.before, harassment.after
    assert before.ci is not None and after.ci is not None
    assert after.ci[1] < before.ci[0]  # fell, beyond both intervals
    assert before.value - after.value > 0.05
    for pack in ("graphic-content", "regulated-goods"):  # level: the intervals overlap
        other = overturns_around_lessons(section, pack)
        assert other is not None and other.before.ci and other.after.ci
        assert other.after.ci[0] <= other.before.ci[1] and other.before.ci[0] <= other.after.ci[1]


def test_the_production_chart_and_table_are_saved(qtbot, demo_window, tmp_path: Path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    dashboard = open_production(qtbot, demo_window)
    for suffix in ("png", "svg", "pdf"):
        target = tmp_path / f"production.{suffix}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        dashboard.charts["production"].save_button.click()
        assert target.stat().st_size > 10_000
    target = tmp_path / "production.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dashboard.tables["production"].export_button.click()
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 * 52
    first = next(r for r in rows if r["pack"] == "harassment")
    assert 0 < float(first["overturn_rate"]) < 1
    assert float(first["overturn_lo"]) < float(first["overturn_rate"]) < float(first["overturn_hi"])
