"""Aggregates copied one level deep: as deep as ``copy.deepcopy`` for flat state, and never shared."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any
from uuid import UUID, uuid4

from hypothesis import given
from hypothesis import strategies as st

from domain.flat_state import FlatState
from domain.register import Register
from domain.session import CloseReason
from tests.domain.test_register import ALICE, BASILE, CHLOE, call, opened
from tests.domain.test_session import OPENED_AT, open_session

ATOMS = (str, int, float, bool, bytes, type(None), UUID, date, datetime, time, timedelta, Enum)
STATUSES = ["present", "absent", "late", "excluded", "infirmary"]


def immutable(value: Any) -> bool:
    if isinstance(value, ATOMS):
        return True
    if isinstance(value, (tuple, frozenset)):
        return all(immutable(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        frozen = type(value).__dataclass_params__.frozen  # type: ignore[attr-defined]
        return bool(frozen) and all(immutable(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def flat(aggregate: FlatState) -> list[str]:
    """The attributes that are neither immutable nor a set, list or dict of immutable keys and values."""
    wrong = []
    for name, value in vars(aggregate).items():
        if isinstance(value, dict):
            ok = all(immutable(k) and immutable(v) for k, v in value.items())
        elif isinstance(value, (set, list)):
            ok = all(immutable(item) for item in value)
        else:
            ok = immutable(value)
        if not ok:
            wrong.append(name)
    return wrong


lines = st.lists(
    st.tuples(st.sampled_from([ALICE, BASILE, CHLOE]), st.sampled_from(STATUSES), st.integers(1, 240)),
    max_size=6,
)


def called(register: Register, marks: list[tuple[UUID, str, int]], close: bool) -> Register:
    changes = {
        student: (student, status, minutes) if status == "late" else (student, status)
        for student, status, minutes in marks
    }
    if changes:
        register.take_call(call(*changes.values()), close=close)
    return register


@given(first=lines, then=lines, close=st.booleans())
def test_a_registers_copy_is_its_deep_copy_and_changing_it_leaves_the_original_as_it_was(
    first: list[tuple[UUID, str, int]], then: list[tuple[UUID, str, int]], close: bool
) -> None:
    original = called(opened(), first, close)
    assert flat(original) == []
    before = pickle.dumps(original)
    copied = copy.deepcopy(original)
    assert vars(copied) == vars(pickle.loads(before))  # what a full deep copy would hold
    called(copied, then, close=True)
    copied.expect(uuid4())
    assert pickle.dumps(original) == before


def test_a_sessions_copy_is_its_deep_copy_and_changing_it_leaves_the_original_as_it_was() -> None:
    original = open_session()
    original.keep_alive(OPENED_AT + timedelta(minutes=5))
    original.consult_list(resource="students", filters={"class_code": "3A"}, count=29)
    original.collect_events()  # saved, as the aggregates the cache holds are
    assert flat(original) == []
    before = pickle.dumps(original)
    copied = copy.deepcopy(original)
    assert vars(copied) == vars(pickle.loads(before))
    copied.record_changes([{"aggregate_id": str(uuid4()), "event": "Register.Marked"}])
    copied.close(CloseReason.LOGOUT)
    assert pickle.dumps(original) == before
