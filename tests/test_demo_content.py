"""The bundled demo packs are complete, consistent and safe to open on a trainer's laptop.

A trainer opening Calibrate for the first time lands on these packs: every file must validate,
every golden answer must point at a real decision and clause, every clip must exist and be long
enough for the cues and moments that point into it, and the mix of cases must give the agreement
numbers something to show (clear cases, hard ones, one honest split per pack, an escalation).
"""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import vlc

from calibrate.core.lessons.schema import CaseSpec, PackSpec

REPO_ROOT = Path(__file__).resolve().parents[1]
LESSONS = REPO_ROOT / "lessons"
ASSETS = REPO_ROOT / "assets"

DEMO_PACKS = ("graphic-content", "harassment", "regulated-goods")
LADDER = ("allow", "not_recommended", "age_restricted", "warning_screen", "remove")

# The cases written to split experienced reviewers: what the "guidance unclear" list is for.
# The schema has no flag for this on purpose; the rationale says so in words.
AMBIGUOUS = {
    "graphic-content": {"gr-protest-injury-documentation"},
    "harassment": {"hb-course-seller-callout"},
    "regulated-goods": {"rg-festival-pill-testing"},
}
MAX_MEDIA_BYTES = 10_000_000
LENGTH_TOLERANCE_S = 0.25  # container rounding of a clip's length


def _load_toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _pack(pack_id: str) -> PackSpec:
    return PackSpec.model_validate(_load_toml(LESSONS / pack_id / "pack.toml"))


def _cases(pack_id: str) -> dict[str, CaseSpec]:
    files = sorted((LESSONS / pack_id / "cases").glob("*.toml"))
    return {f.stem: CaseSpec.model_validate(_load_toml(f)) for f in files}


def _all_cases() -> list[tuple[str, CaseSpec]]:
    return [(pack_id, case) for pack_id in DEMO_PACKS for case in _cases(pack_id).values()]


@functools.cache
def _media_script():
    """scripts/make_demo_media.py as a module: the clip length rule lives there."""
    spec = importlib.util.spec_from_file_location(
        "make_demo_media", REPO_ROOT / "scripts" / "make_demo_media.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def vlc_instance() -> Iterator[vlc.Instance]:
    instance = vlc.Instance("--quiet")
    yield instance
    instance.release()


def _measured_seconds(instance: vlc.Instance, path: Path) -> float:
    """The clip's length as libVLC reports it after parsing the file."""
    media = instance.media_new(str(path))
    try:
        media.parse_with_options(vlc.MediaParseFlag.local, 2000)
        deadline = time.monotonic() + 5
        while media.get_parsed_status() == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert media.get_parsed_status() == vlc.MediaParsedStatus.done, f"{path}: not parsed"
        return media.get_duration() / 1000
    finally:
        media.release()


def test_the_demo_packs_are_the_first_users_policy_areas() -> None:
    found = sorted(p.name for p in LESSONS.iterdir() if (p / "pack.toml").is_file())
    assert set(DEMO_PACKS) <= set(found)
    assert {_pack(p).policy for p in DEMO_PACKS} == {
        "Shocking & graphic content",
        "Harassment & bullying",
        "High-risk & regulated activities",
    }


@pytest.mark.parametrize("pack_id", DEMO_PACKS)
def test_pack_and_cases_validate_and_reference_each_other(pack_id: str) -> None:
    pack = _pack(pack_id)
    cases = _cases(pack_id)
    assert pack.id == pack_id
    decisions = {d.id for d in pack.decisions}
    clauses = {c.id for c in pack.clauses}
    for case_id, case in cases.items():
        assert case.id == case_id, f"{case_id}.toml holds case {case.id!r}"
        assert case.golden.decision in decisions, case_id
        assert set(case.golden.clauses) <= clauses, case_id
        assert re.search(r"\b[A-Z]{2}-\d", case.rationale), f"{case_id}: rationale cites no clause"
    in_lessons = [case_id for lesson in pack.lessons for case_id in lesson.cases]
    assert sorted(in_lessons) == sorted(cases), "every case is in exactly one lesson"
    slides = [slide for lesson in pack.lessons for slide in lesson.guidance]
    for slide in slides:
        assert (LESSONS / pack_id / "guidance" / slide).is_file(), slide


@pytest.mark.parametrize("pack_id", DEMO_PACKS)
def test_every_clause_is_defined_by_a_guidance_heading(pack_id: str) -> None:
    headings = set()
    for slide in (LESSONS / pack_id / "guidance").glob("*.md"):
        headings |= set(re.findall(r"^#+ (\S+) ", slide.read_text(encoding="utf-8"), re.M))
    missing = {c.id for c in _pack(pack_id).clauses} - headings
    assert not missing, f"no heading starts with {sorted(missing)}"


@pytest.mark.parametrize("pack_id", DEMO_PACKS)
def test_ladder_runs_allow_to_remove_with_escalate_apart(pack_id: str) -> None:
    decisions = _pack(pack_id).decisions
    assert tuple(d.id for d in decisions if d.ladder) == LADDER
    assert [d.id for d in decisions if not d.ladder] == ["escalate"]
    assert all(d.label and d.description for d in decisions)


@pytest.mark.parametrize("pack_id", DEMO_PACKS)
def test_each_pack_mixes_clear_hard_and_split_cases(pack_id: str) -> None:
    cases = _cases(pack_id)
    assert len(cases) >= 6
    assert {"easy", "hard"} <= {c.difficulty for c in cases.values()}
    assert len({c.golden.decision for c in cases.values()}) >= 3, "golden answers too uniform"
    assert AMBIGUOUS[pack_id] <= set(cases)
    for case_id in AMBIGUOUS[pack_id]:
        assert cases[case_id].difficulty == "hard", case_id
        assert "split" in cases[case_id].rationale, f"{case_id}: rationale hides the split"


def test_a_missed_escalation_can_be_practised() -> None:
    escalations = [case.id for _, case in _all_cases() if case.golden.decision == "escalate"]
    assert escalations


def test_graphic_cases_warn_the_moderator() -> None:
    cases = _cases("graphic-content").values()
    assert any("graphic" in case.warnings for case in cases)
    for case in cases:
        if case.golden.decision in ("warning_screen", "remove"):
            assert "graphic" in case.warnings, case.id


@pytest.mark.parametrize(
    ("pack_id", "case"), _all_cases(), ids=[case.id for _, case in _all_cases()]
)
def test_clip_exists_and_covers_every_cue_and_moment(
    pack_id: str, case: CaseSpec, vlc_instance: vlc.Instance
) -> None:
    pack_assets = (ASSETS / pack_id).resolve()
    clip = (pack_assets / case.video).resolve()
    assert clip.is_relative_to(pack_assets), f"{case.video} leaves assets/{pack_id}/"
    assert clip.is_file(), f"missing {clip}; run scripts/make_demo_media.py"
    length = _measured_seconds(vlc_instance, clip)
    for cue in case.cues:
        assert float(cue.at) < length, f"cue at {cue.at} s is past the clip's end ({length} s)"
    for moment in case.moments:
        assert float(moment.end) <= length + LENGTH_TOLERANCE_S, f"moment {moment.label!r}"
    # A cue edited without re-rendering shows up as a clip of the wrong length.
    expected = _media_script().clip_duration(case)
    assert abs(length - expected) <= LENGTH_TOLERANCE_S, (
        f"{clip.name} is {length} s, its case wants {expected} s: re-run scripts/make_demo_media.py"
    )


def test_demo_media_stays_small() -> None:
    total = sum(p.stat().st_size for pack in DEMO_PACKS for p in (ASSETS / pack).rglob("*"))
    assert total < MAX_MEDIA_BYTES, f"demo media is {total / 1e6:.1f} MB"
