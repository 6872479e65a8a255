"""The task runner's log: an expected refusal is one warning line, a bug keeps its trace."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from calibrate.core.errors import ExchangeError
from calibrate.gui.tasks import TaskRunner


def run_failing(qtbot: Any, error: BaseException) -> BaseException:
    runner = TaskRunner()
    caught: list[BaseException] = []

    def fail() -> None:
        raise error

    runner.run("job", fail, lambda _result: None, caught.append)
    qtbot.waitUntil(lambda: bool(caught), timeout=5000)
    return caught[0]


def test_a_refused_file_is_logged_as_one_line_without_a_traceback(
    qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    refusal = ExchangeError("answers.calx: row 3: confidence 7 is not between 0 and 1")
    with caplog.at_level(logging.INFO, logger="calibrate.gui.tasks"):
        assert run_failing(qtbot, refusal) is refusal
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "row 3: confidence 7" in record.getMessage()


def test_an_unexpected_error_is_logged_with_its_traceback(
    qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="calibrate.gui.tasks"):
        run_failing(qtbot, ZeroDivisionError("a bug"))
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None
