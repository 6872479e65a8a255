"""The live-room protocol on paper: messages, their schemas, the join code (no network)."""

from __future__ import annotations

import json
import re
import secrets

import pytest

from calibrate.core.live.join_code import JoinCode, JoinCodeError, decode_join_code
from calibrate.core.live.messages import (
    HOST_MESSAGE_TYPES,
    REVEAL_ONLY_KEYS,
    AnswerMessage,
    Hello,
    ProfileInfo,
    ProtocolError,
    parse_client_message,
    protocol_schemas,
)


def _property_names(schema: object) -> set[str]:
    """Every property name anywhere in a JSON Schema (nested models through $defs too)."""
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                found |= set(value)
            found |= _property_names(value)
    elif isinstance(schema, list):
        for item in schema:
            found |= _property_names(item)
    return found


def test_only_reveal_can_carry_golden_rationale_moments_or_split() -> None:
    schemas = protocol_schemas()
    assert REVEAL_ONLY_KEYS <= _property_names(schemas["reveal"])
    for name, schema in schemas.items():
        if name != "reveal":
            assert not REVEAL_ONLY_KEYS & _property_names(schema), name
    # every host message type is listed in the schemas the docs print
    assert {m.model_fields["type"].default for m in HOST_MESSAGE_TYPES} <= set(schemas)


def test_messages_refuse_unknown_keys_so_a_reveal_key_cannot_ride_along() -> None:
    answer = AnswerMessage(case_id="c1", decision="allow").model_dump()
    with pytest.raises(ProtocolError, match="golden"):
        parse_client_message(json.dumps({**answer, "golden": "remove"}))


@pytest.mark.parametrize(
    ("frame", "code", "words"),
    [
        ("not json at all", "malformed", "not JSON"),
        ("[1, 2]", "malformed", "not a JSON object"),
        ('{"v": 2, "type": "hello"}', "protocol", "version 2"),
        ('{"type": "hello"}', "protocol", "version None"),
        ('{"v": 1, "type": "shout"}', "malformed", "type"),
        ('{"v": 1, "type": "answer", "case_id": "c1", "confidence": 7}', "malformed", "confidence"),
        ("x" * 70_000, "malformed", "longer than"),
    ],
)
def test_a_frame_that_is_not_a_message_is_refused_with_a_reason(
    frame: str, code: str, words: str
) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_message(frame)
    assert caught.value.code == code
    assert words in caught.value.reason


def test_frames_are_single_line_json_that_parse_back() -> None:
    hello = Hello(secret="s", profile=ProfileInfo(id="p1", name="Ana\nB", team="T"))
    frame = hello.frame()
    assert "\n" not in frame
    assert parse_client_message(frame) == hello


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "::1", "fe80::1234:5678:9abc:def0"])
def test_join_code_round_trips_within_100_base64url_characters(host: str) -> None:
    code = JoinCode(host, 65535, secrets.token_bytes(16), secrets.token_bytes(32))
    text = code.encode()
    assert len(text) <= 100
    assert re.fullmatch(r"[A-Za-z0-9_-]+", text)
    assert decode_join_code(text) == code
    assert decode_join_code(f"  {text}\n") == code  # pasted with spaces around


def test_the_pages_join_code_lengths_are_those_of_real_codes(repo_root) -> None:  # type: ignore[no-untyped-def]
    """A participant's form may check the length: the page's figures must be the real ones."""
    from calibrate.core.live import join_code

    real = {
        family: len(JoinCode(host, 1, b"s" * 16, b"f" * 32).encode())
        for family, host in ((4, "255.255.255.255"), (6, "ffff::1"))
    }
    assert real == {4: join_code.code_length(4), 6: join_code.code_length(6)} == {4: 78, 6: 94}
    page = (repo_root / "docs" / "live-protocol.md").read_text(encoding="utf-8")
    for text in (page, join_code.__doc__ or ""):
        said = re.search(r"(\d+) characters for (?:an )?IPv4[^,]*,\s+(\d+) for\s+IPv6", text)
        assert said is not None and (int(said[1]), int(said[2])) == (real[4], real[6])


def test_a_mistyped_or_cut_join_code_is_refused_without_echoing_the_secret() -> None:
    code = JoinCode("127.0.0.1", 4242, b"S" * 16, b"F" * 32)
    text = code.encode()
    typo = text[:10] + ("A" if text[10] != "A" else "B") + text[11:]
    for bad, words in [
        (typo, "typo"),
        (text[:-4], "cut short"),
        ("", "1 to 100"),
        ("x" * 101, "1 to 100"),
        ("@@@@", "base64url"),
        ("AA", "too short"),
        ("AAAA", "version 0"),
    ]:
        with pytest.raises(JoinCodeError, match=words) as caught:
            decode_join_code(bad)
        assert "SSSS" not in str(caught.value)


def test_the_protocol_page_holds_every_schema_as_the_code_has_it(repo_root) -> None:  # type: ignore[no-untyped-def]
    import sys

    sys.path.insert(0, str(repo_root / "scripts"))
    from live_protocol_schemas import schemas_section

    page = (repo_root / "docs" / "live-protocol.md").read_text(encoding="utf-8")
    assert schemas_section() in page, "run scripts/live_protocol_schemas.py into the page"


def test_qt_addons_is_required_in_the_same_range_as_essentials(repo_root) -> None:  # type: ignore[no-untyped-def]
    """QtWebSockets (addons) and QtCore (essentials) must be one Qt version (STACK.md)."""
    import tomllib
    from importlib.metadata import version

    deps = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["dependencies"]
    ranges = {d.split(">")[0].split("=")[0]: d[len(d.split(">")[0]) :] for d in deps}
    assert ranges["PySide6-Addons"] == ranges["PySide6-Essentials"]
    assert version("PySide6-Addons") == version("PySide6-Essentials")
