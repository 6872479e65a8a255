"""`calibrate report`: a PDF from a real demo database, without a screen, and clear refusals.

Expected numbers come from the database itself (plain SQL and statsmodels), never from
calibrate's metric code. Page text is read back with poppler's pdftotext.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from statsmodels.stats.proportion import proportion_confint

CHART_PAGES = 10  # the summary and nine charts; the list pages follow
MACHINE_PAGES = 3  # the demo's model run: a page per pack, after the lists
# ... the demo's production signals one chart page, its lists three
REPORT_PAGES = 14 + MACHINE_PAGES


def calibrate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "MPLBACKEND")
    }
    return subprocess.run(
        [sys.executable, "-m", "calibrate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=180,
        env=env,
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    path = folder / "demo.sqlite3"
    result = calibrate("demo", "--db", str(path), cwd=folder)
    assert result.returncode == 0, result.stderr
    return path


def page_count(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot read the PDF's text")
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def scored_answers(db: Path, team: str | None = None) -> tuple[int, int, int]:
    """(answers, scored, correct) straight from the tables."""
    where = "WHERE a.team = ?" if team else ""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT COUNT(*), SUM(a.skipped = 0), SUM(a.skipped = 0 AND a.decision = "
            "cv.golden_decision) FROM answers a JOIN case_versions cv USING (case_hash) " + where,
            [team] if team else [],
        ).fetchone()


@pytest.fixture(scope="module")
def full_report(demo_db: Path) -> tuple[Path, subprocess.CompletedProcess]:
    out = demo_db.parent / "report.pdf"
    return out, calibrate(
        "report", "--db", str(demo_db), "--out", str(out), "--target", "0.9", cwd=demo_db.parent
    )


def test_report_writes_every_page_and_says_where(full_report) -> None:
    out, result = full_report
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Report written to {out} ({REPORT_PAGES} pages)."
    assert out.read_bytes().startswith(b"%PDF")
    assert page_count(out) == REPORT_PAGES


def test_the_model_run_has_a_page_per_pack_with_its_faults_and_disagreements(
    full_report,
) -> None:
    out, _ = full_report
    pages = [" ".join(p.split()) for p in pdf_text(out).split("\f")][-MACHINE_PAGES - 1 : -1]
    harassment = next(p for p in pages if "policy-llm 2026-11-demo on Harassment" in p)
    assert "Over-enforced 2 and under-enforced 0 of 8; missed escalations (critical) 1" in (
        harassment
    )
    assert "Cartoon of the Finance Minister as a clown: golden Allow, model Remove" in harassment
    assert all("policy-llm 2026-11-demo on" in p for p in pages)


def test_first_page_carries_the_headline_numbers(demo_db: Path, full_report) -> None:
    out, result = full_report
    assert result.returncode == 0, result.stderr
    text = " ".join(pdf_text(out, 1, 1).split())
    answers, scored, correct = scored_answers(demo_db)
    lo, hi = proportion_confint(correct, scored, alpha=0.05, method="wilson")
    assert f"Accuracy {correct / scored:.1%} (95 % CI {lo:.1%}–{hi:.1%})" in text
    assert f"{answers:,} answers from 40 reviewers: {scored:,} scored" in text
    assert "target of 90%" in text and "DEMO DATA" in text
    with sqlite3.connect(demo_db) as conn:
        missed = conn.execute(
            "SELECT COUNT(*) FROM answers a JOIN case_versions cv USING (case_hash) "
            "WHERE cv.golden_decision = 'escalate' AND a.skipped = 0 "
            "AND a.decision != 'escalate'"
        ).fetchone()[0]
    assert f"Critical errors: {missed} missed escalations" in text
    for case in (
        "rg-festival-pill-testing",
        "gr-protest-injury-documentation",
        "hb-course-seller-callout",
    ):
        assert case in text
    assert "Manila (site) over-enforces" in text
    assert "Fleiss κ" in text and "Krippendorff α" in text and "Gwet AC1" in text
    assert "Gwet AC2 on the ladder" in text
    # The intervals' methods are named, and what a cut end and "too few cases" mean.
    assert (
        "Intervals: κ, AC1 and AC2 Gwet's analytic variance, t(n−1) quantile; α percentile "
        "bootstrap over cases, 200 resamples. AC2: quadratic weights over the pack's ladder, "
        "escalate its own category. † cut at the coefficient's range (−1 to 1)." in text
    )
    assert "No coefficient is given for fewer than 5 cases rated by two or more reviewers" in text


def test_no_clause_of_the_demo_gets_a_coefficient_from_its_one_to_three_cases(
    demo_db: Path, full_report
) -> None:
    out, _ = full_report
    agreement = " ".join(pdf_text(out, 3, 3).split())
    with sqlite3.connect(demo_db) as conn:
        clauses = conn.execute(
            "SELECT COUNT(DISTINCT pack_id || clause) FROM answers WHERE clause IS NOT NULL"
        ).fetchone()[0]
    assert clauses >= 20
    assert re.search(
        r"(\d+) of \1 clauses have too few cases \(fewer than 5 rated by two or "
        r"more reviewers\) and show no coefficient",
        agreement,
    )
    assert "too few cases (1 rated by 2+ reviewers)" in agreement  # in the chart's rows
    trend = " ".join(pdf_text(out, 7, 7).split())
    assert "Week by week" in trend
    assert re.search(r"κ has no point for \d+ of \d+ team-weeks: fewer than 5 cases", trend)


def below_target(db: Path, target: float = 0.9) -> list[str]:
    """Names of the reviewers whose share of scored answers matching golden is below target."""
    with sqlite3.connect(db) as conn:
        return [
            name
            for name, right, scored in conn.execute(
                "SELECT p.name, SUM(a.decision = cv.golden_decision), COUNT(*) FROM answers a "
                "JOIN case_versions cv USING (case_hash) JOIN profiles p ON p.id = a.profile_id "
                "WHERE a.skipped = 0 GROUP BY a.profile_id"
            )
            if right / scored < target
        ]


def test_the_whole_of_every_list_is_in_the_report_and_page_1_says_where(
    demo_db: Path, full_report
) -> None:
    out, result = full_report
    assert result.returncode == 0, result.stderr
    first = " ".join(pdf_text(out, 1, 1).split())
    text = pdf_text(out)
    assert "more (all of them in the CSV" not in text  # nothing cut any more
    # Page 1 shows ten of the reviewers below target and names the page with all of them.
    names = below_target(demo_db)
    assert len(names) > 10
    page = int(
        re.search(rf"and {len(names) - 10} more \(all {len(names)} on page (\d+)\)", first).group(1)
    )
    listed = pdf_text(out, page, page + 1)
    assert f"Below the 90% target: {len(names)} reviewers" in listed
    assert all(name in listed for name in names)
    # Every completion gap: as many rows under its title as page 1 counts.
    gaps, page = (
        int(n.replace(",", ""))
        for n in re.search(r"([\d,]+) to follow up \(all \1 on page (\d+)\)", first).groups()
    )
    tail = pdf_text(out, page).split(f"Not taken or not passed: {gaps}")[1]
    rows = [
        line for line in tail.splitlines() if re.search(r"\b(not taken|not passed)$", line.strip())
    ]
    assert len(rows) == gaps > 20  # the old last page stopped at 20


def test_a_list_too_long_to_print_names_its_csv_and_how_to_get_it(
    demo_db: Path, tmp_path: Path, monkeypatch
) -> None:
    from calibrate import paths
    from calibrate.charts.report import lists, write_report
    from calibrate.core.lead.compute import case_clauses_of, compute_dashboard
    from calibrate.core.lessons.loader import load_library
    from calibrate.store.db import open_database
    from calibrate.store.queries import dispute_rows, load_answers, roster

    packs = load_library([paths.bundled_lessons_dir()]).packs
    db = open_database(demo_db)
    dashboard = compute_dashboard(
        load_answers(db, packs=packs),
        roster(db),
        dispute_rows(db),
        case_clauses=case_clauses_of(packs),
    )
    db.conn.close()
    monkeypatch.setattr(lists, "WHOLE_ROWS", 30)  # the demo's 54 gaps are "long"
    monkeypatch.setattr(lists, "HEAD_ROWS", 10)
    out = tmp_path / "short.pdf"
    write_report(dashboard, out)
    gaps = len(dashboard.completion.gaps)
    assert gaps > 30
    text = " ".join(pdf_text(out).split())
    assert (
        f"… and {gaps - 10} more: all {gaps} are in completion.csv — the lead dashboard "
        "writes it with the same filters: Export tables (CSV)…"
    ) in text
    first = " ".join(pdf_text(out, 1, 1).split())
    assert re.search(rf"the first 10 on page \d+; all {gaps} in its CSV file", first)


def test_a_list_longer_than_a_page_goes_on_over_the_next(tmp_path: Path, monkeypatch) -> None:
    from calibrate.charts.report import lists
    from calibrate.charts.report.lists import ListPages

    monkeypatch.setattr(lists, "WHOLE_ROWS", 200)
    flow = ListPages("all answers", demo=False)
    rows = [(f"Reviewer {i:03d}", "Team", f"{i}%") for i in range(150)]
    flow.table("Long list", ("reviewer", "team", "accuracy"), rows, (0.5, 0.3, 0.2), "x.csv")
    assert len(flow.pages) == 3
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(tmp_path / "long.pdf") as pdf:
        for page in flow.pages:
            pdf.savefig(page)
    text = pdf_text(tmp_path / "long.pdf")
    assert all(f"Reviewer {i:03d}" in text for i in range(150))
    assert text.count("Long list (continued)") == 2


def test_the_team_by_pack_page_names_each_clear_lean(demo_db: Path, full_report) -> None:
    from calibrate import paths
    from calibrate.core.lessons.loader import load_library

    out, result = full_report
    assert result.returncode == 0, result.stderr
    packs = load_library([paths.bundled_lessons_dir()]).packs
    ladders = {p.id: list(p.scale.ladder) for p in packs}
    titles = {p.id: p.title for p in packs}
    scores: dict[tuple[str, str], list[int]] = {}
    with sqlite3.connect(demo_db) as conn:
        for team, pack, chosen, golden in conn.execute(
            "SELECT a.team, a.pack_id, a.decision, cv.golden_decision FROM answers a "
            "JOIN case_versions cv USING (case_hash) WHERE a.skipped = 0"
        ):
            ladder = ladders[pack]
            on = chosen in ladder and golden in ladder
            score = (
                0
                if not on
                else (ladder.index(chosen) > ladder.index(golden))
                - (ladder.index(chosen) < ladder.index(golden))
            )
            scores.setdefault((team, pack), []).append(score)
    pages = pdf_text(out).split("\f")
    page = next(p for p in pages if "Net lean by team and pack" in p)
    page = " ".join(page.split())
    clear = 0
    for (team, pack), s in scores.items():
        n = len(s)
        mean = sum(s) / n
        var = sum((x - mean) ** 2 for x in s) / n
        lo, hi = mean - 1.959964 * (var / n) ** 0.5, mean + 1.959964 * (var / n) ** 0.5
        if lo > 0 or hi < 0:
            clear += 1
            way = "over-enforces" if lo > 0 else "under-enforces"
            assert (
                f"{team} on {titles[pack]} {way}: net {mean:+.1%} ({lo:+.1%} to {hi:+.1%}), n={n}"
            ) in page
    assert f"{clear} of {len(scores)} team × pack pairs lean clearly" in page
    assert 0 < clear <= 8


def test_team_filter_keeps_other_teams_out_of_the_report(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "eu.pdf"
    result = calibrate(
        "report", "--db", str(demo_db), "--out", str(out), "--team", "Graphic EU", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert page_count(out) > CHART_PAGES
    text = " ".join(pdf_text(out).split())
    answers, scored, _ = scored_answers(demo_db, "Graphic EU")
    assert "Filters: team Graphic EU" in text
    assert f"{answers:,} answers from 14 reviewers: {scored:,} scored" in text
    assert "Graphic APAC" not in text and "Harassment EU" not in text


def test_dates_and_packs_narrow_the_report(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "narrow.pdf"
    with sqlite3.connect(demo_db) as conn:
        last = conn.execute("SELECT MAX(substr(answered_at, 1, 10)) FROM answers").fetchone()[0]
        n = conn.execute(
            "SELECT COUNT(*) FROM answers WHERE pack_id = 'harassment' AND "
            "substr(answered_at, 1, 10) = ?",
            [last],
        ).fetchone()[0]
    result = calibrate(
        "report",
        "--db",
        str(demo_db),
        "--out",
        str(out),
        "--pack",
        "harassment",
        "--since",
        last,
        "--until",
        last,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(pdf_text(out, 1, 1).split())
    assert f"{n:,} answers from" in text
    assert "graphic-content (" not in text


@pytest.mark.parametrize(
    ("option", "value", "known"),
    [
        ("--team", "Nope", "teams: Graphic APAC, Graphic EU, Harassment EU"),
        ("--team", "graphic eu", "teams: Graphic APAC, Graphic EU, Harassment EU"),
        ("--site", "Berlin", "sites: Lisbon, Manila"),
        ("--pack", "Harassment", "packs: graphic-content, harassment, regulated-goods"),
    ],
)
def test_a_filter_value_the_database_lacks_is_refused_and_names_those_it_has(
    demo_db: Path, tmp_path: Path, option: str, value: str, known: str
) -> None:
    out = tmp_path / "r.pdf"
    result = calibrate(
        "report", "--db", str(demo_db), "--out", str(out), option, value, cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f'calibrate report: no {option[2:]} "{value}" in {demo_db}; {known}'
    ]
    assert result.stdout == "" and not out.exists()


def test_a_database_without_answers_still_writes_its_empty_report(tmp_path: Path) -> None:
    from calibrate.store import catalog
    from calibrate.store.db import open_database

    db_path = tmp_path / "new.sqlite3"
    db = open_database(db_path)
    catalog.create_profile(db, "Ana Ferreira", "Trust EU", "Lisbon")
    db.conn.close()
    out = tmp_path / "empty.pdf"
    result = calibrate("report", "--db", str(db_path), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert page_count(out) == CHART_PAGES + 1  # every list "none", on one page
    # A team whose people have not answered yet is in the database: its report lists them.
    team = calibrate(
        "report", "--db", str(db_path), "--out", str(out), "--team", "Trust EU", cwd=tmp_path
    )
    assert team.returncode == 0, team.stderr
    # So is a loaded pack nobody has answered yet (a new roll-out): who has not taken it.
    rolled_out = calibrate(
        "report", "--db", str(db_path), "--out", str(out), "--pack", "harassment", cwd=tmp_path
    )
    assert rolled_out.returncode == 0, rolled_out.stderr
    refused = calibrate(
        "report",
        "--db",
        str(db_path),
        "--out",
        str(tmp_path / "x.pdf"),
        "--pack",
        "harasment",
        cwd=tmp_path,
    )
    assert refused.returncode == 2 and not (tmp_path / "x.pdf").exists()
    assert refused.stderr.splitlines() == [
        f'calibrate report: no pack "harasment" in {db_path}; '
        "packs: graphic-content, harassment, regulated-goods"
    ]


@pytest.mark.parametrize("kind", ["missing", "text file", "foreign sqlite", "empty file"])
def test_a_bad_database_is_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "x.sqlite3"
    if kind == "text file":
        db.write_text("not a database\n")
    elif kind == "foreign sqlite":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE invoices (id INTEGER)")
    elif kind == "empty file":
        db.write_bytes(b"")
    before = db.read_bytes() if db.exists() else None
    result = calibrate("report", "--db", str(db), "--out", str(tmp_path / "r.pdf"), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("calibrate report: ") and str(db) in lines[0]
    assert not (tmp_path / "r.pdf").exists()
    assert (db.read_bytes() if db.exists() else None) == before


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        ("notes.txt/r.pdf", "cannot create its folder ({tmp}/notes.txt is a file, not a folder)"),
        (
            "notes.txt/march/r.pdf",
            "cannot create its folder ({tmp}/notes.txt is a file, not a folder)",
        ),
        ("reports", "cannot write the report (Is a directory)"),
    ],
)
def test_an_unwritable_output_is_one_line_and_exit_2(
    demo_db: Path, tmp_path: Path, out: str, reason: str
) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    (tmp_path / "reports").mkdir()
    result = calibrate("report", "--db", str(demo_db), "--out", str(tmp_path / out), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"calibrate report: {tmp_path / out}: {reason.format(tmp=tmp_path)}"
    ]


def test_report_creates_missing_folders_as_export_and_demo_do(tmp_path: Path) -> None:
    db = tmp_path / "new" / "demo.sqlite3"
    export = tmp_path / "exports" / "march" / "demo.calibrate.jsonl"
    out = tmp_path / "reports" / "march" / "r.pdf"
    assert calibrate("demo", "--db", str(db), cwd=tmp_path).returncode == 0
    assert calibrate("export", "--db", str(db), "--out", str(export), cwd=tmp_path).returncode == 0
    result = calibrate("report", "--db", str(db), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Report written to {out} ({REPORT_PAGES} pages)."
    assert db.is_file() and export.is_file() and page_count(out) == REPORT_PAGES


def test_report_needs_no_screen_and_never_loads_qt(demo_db: Path, tmp_path: Path) -> None:
    code = (
        "import sys\nfrom calibrate.cli import main\n"
        f"rc = main(['report', '--db', {str(demo_db)!r}, '--out', "
        f"{str(tmp_path / 'r.pdf')!r}])\n"
        "qt = [m for m in sys.modules if m.startswith(('PySide6', 'vlc'))]\n"
        "print(rc, qt)\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0 []"


def test_every_chart_draws_at_its_natural_size_with_a_caption(
    demo_db: Path, tmp_path: Path
) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from calibrate import paths
    from calibrate.charts.dashboard import dashboard_figures, figure_caption
    from calibrate.charts.dashboard.sizes import natural_size
    from calibrate.core.lead.compute import case_clauses_of, compute_dashboard
    from calibrate.core.lessons.loader import load_library
    from calibrate.store.db import open_database
    from calibrate.store.queries import dispute_rows, load_answers, roster

    packs = load_library([paths.bundled_lessons_dir()]).packs
    db = open_database(demo_db)
    dashboard = compute_dashboard(
        load_answers(db, packs=packs),
        roster(db),
        dispute_rows(db),
        case_clauses=case_clauses_of(packs),
    )
    db.conn.close()
    for dark in (False, True):
        for name, figure in dashboard_figures(dashboard, dark=dark):
            FigureCanvasAgg(figure).print_png(tmp_path / f"{name}.png")
            assert tuple(figure.get_size_inches()) == natural_size(name, dashboard)
            assert figure.get_suptitle() and figure_caption(name).endswith(".")


def test_a_report_given_the_packs_labels_names_decisions_cases_and_lessons_in_words(
    demo_db: Path, tmp_path: Path
) -> None:
    from calibrate import paths
    from calibrate.charts.report import write_report
    from calibrate.core.lead.compute import case_clauses_of, compute_dashboard
    from calibrate.core.lead.labels import Labels
    from calibrate.core.lessons.loader import load_library
    from calibrate.store.db import open_database
    from calibrate.store.queries import dispute_rows, load_answers, roster

    packs = load_library([paths.bundled_lessons_dir()]).packs
    db = open_database(demo_db)
    dashboard = compute_dashboard(
        load_answers(db, packs=packs),
        roster(db),
        dispute_rows(db),
        case_clauses=case_clauses_of(packs),
    )
    db.conn.close()
    out = tmp_path / "words.pdf"
    # No scoreboard given: no model pages; no production signals handed to
    # compute_dashboard: no Production page.
    pages = REPORT_PAGES - MACHINE_PAGES - 1
    assert write_report(dashboard, out, labels=Labels.of_packs(packs)) == pages
    first = " ".join(pdf_text(out, 1, 1).split())
    assert "chose Remove" in first and "golden Warning screen" in first
    assert (
        "graphic-content/gr-protest-injury-documentation (Bystander footage of an injured "
        "protester)"
    ) in first
    readings = " ".join(pdf_text(out, 6, 6).split())  # the confusion page
    assert "golden Warning screen answered Remove" in readings
    tables = pdf_text(out, CHART_PAGES + 1, REPORT_PAGES)
    assert "Age-restricted (18+)" in tables and "Not recommended" in tables
    assert not re.search(r"\b(warning_screen|not_recommended|age_restricted)\b", tables)
    assert "Context decides: injury, news and medicine" in tables  # lessons by title


def test_every_chart_page_keeps_clear_of_the_sheets_edges(demo_db: Path) -> None:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import FigureBase

    from calibrate import paths
    from calibrate.charts import report
    from calibrate.charts.dashboard.accuracy import (
        attempts_figure,
        calibration_figure,
        reviewer_accuracy_figure,
    )
    from calibrate.charts.dashboard.agreement import agreement_figure
    from calibrate.charts.dashboard.confusion import confusion_figure
    from calibrate.charts.dashboard.enforcement import enforcement_figure
    from calibrate.charts.dashboard.sizes import natural_size
    from calibrate.charts.dashboard.trend import trend_figure
    from calibrate.charts.report.page_text import PAGE
    from calibrate.core.lead.compute import case_clauses_of, compute_dashboard
    from calibrate.core.lessons.loader import load_library
    from calibrate.store.db import open_database
    from calibrate.store.queries import dispute_rows, load_answers, roster

    packs = load_library([paths.bundled_lessons_dir()]).packs
    db = open_database(demo_db)
    d = compute_dashboard(
        load_answers(db, packs=packs),
        roster(db),
        dispute_rows(db),
        case_clauses=case_clauses_of(packs),
    )
    db.conn.close()
    draws = {
        "reviewer_accuracy": lambda f: reviewer_accuracy_figure(d.reviewers, figure=f),
        "agreement": lambda f: agreement_figure(d.agreement, figure=f),
        "enforcement": lambda f: enforcement_figure(d.enforcement, figure=f),
        "confusion": lambda f: confusion_figure(d.confusion, figure=f),
        "trend": lambda f: trend_figure(d.trend, target=0.9, figure=f),
        "attempts": lambda f: attempts_figure(d.trend, figure=f),
        "calibration": lambda f: calibration_figure(d.calibration, figure=f),
    }
    for name, draw in draws.items():
        page = report.chart_page(name, draw, natural_size(name, d), [], "all", True)
        canvas = FigureCanvasAgg(page)
        canvas.draw()
        renderer = canvas.get_renderer()
        # Each axes with what it draws, and the texts of the page and its subfigures.
        boxes = [a.get_tightbbox(renderer) for a in page.findobj(Axes)] + [
            t.get_window_extent(renderer)
            for f in page.findobj(FigureBase)
            for t in f.texts
            if t.get_visible() and t.get_text()
        ]
        left = min(b.x0 for b in boxes) / page.dpi
        right = max(b.x1 for b in boxes) / page.dpi
        assert left >= 0.3 and right <= PAGE[0] - 0.3, (name, left, right)
