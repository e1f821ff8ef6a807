"""The garbage collector's setting while bulk work runs (``inami_ppl._collect``)."""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from inami_ppl import Assessment, _collect, assess_history
from inami_ppl._collect import fewer_collections
from support import ADULT, weekly


@pytest.fixture(autouse=True)
def _restored() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


@pytest.mark.parametrize("threshold", [700, 5, 0])
def test_the_collector_runs_less_often_inside_then_as_before(threshold: int) -> None:
    gc.set_threshold(threshold, 11, 12)
    with fewer_collections():
        inside = gc.get_threshold()
    assert inside == (threshold and _collect.COLLECT_AFTER, 11, 12)  # off stays off
    assert gc.get_threshold() == (threshold, 11, 12)


def test_a_higher_threshold_is_kept() -> None:
    gc.set_threshold(_collect.COLLECT_AFTER * 2, 10, 10)
    with fewer_collections():
        assert gc.get_threshold()[0] == _collect.COLLECT_AFTER * 2


def test_an_error_inside_restores_the_setting() -> None:
    gc.set_threshold(700, 10, 10)
    with pytest.raises(ZeroDivisionError), fewer_collections():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_uses_restore_the_setting_when_the_outer_one_ends() -> None:
    gc.set_threshold(700, 10, 10)
    with fewer_collections():
        with fewer_collections():
            pass
        assert gc.get_threshold()[0] == _collect.COLLECT_AFTER  # the outer one still runs
    assert gc.get_threshold() == (700, 10, 10)


def test_overlapping_uses_in_threads_restore_the_setting_of_before_the_first() -> None:
    # The first thread enters, the second enters, the first leaves, the second leaves: the
    # setting must come back to what it was before the first, not to the raised value the
    # second one saw when it entered.
    gc.set_threshold(700, 10, 10)
    steps = [threading.Event() for _ in range(3)]
    seen: list[int] = []

    def first() -> None:
        with fewer_collections():
            steps[0].set()
            steps[1].wait(5)
        seen.append(gc.get_threshold()[0])  # the second one still runs
        steps[2].set()

    def second() -> None:
        steps[0].wait(5)
        with fewer_collections():
            steps[1].set()
            steps[2].wait(5)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [_collect.COLLECT_AFTER]
    assert gc.get_threshold() == (700, 10, 10)


def test_a_history_is_judged_with_fewer_collections(monkeypatch: pytest.MonkeyPatch) -> None:
    assess = importlib.import_module("inami_ppl.assess")  # the module, not the function
    seen: list[int] = []
    judge: Callable[..., Iterator[Assessment]] = assess.judge_in_order

    def spy(*args: Any, **kwargs: Any) -> Iterator[Assessment]:
        seen.append(gc.get_threshold()[0])
        return judge(*args, **kwargs)

    monkeypatch.setattr(assess, "judge_in_order", spy)
    gc.set_threshold(700, 10, 10)
    decisions = assess_history(ADULT, weekly("2024-06-03", 3, "support"))
    assert [x.allowed for x in decisions] == [True, True, True]
    assert seen == [_collect.COLLECT_AFTER]
    assert gc.get_threshold() == (700, 10, 10)
