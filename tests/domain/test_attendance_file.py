"""A student's attendance file: reasons set by the office, and the families' justifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.attendance_file import AttendanceFile, JustificationState
from domain.errors import DomainError
from tests.domain.support import replayed
from tests.domain.test_school_calendar import refused, stored_and_reloaded

PARIS = ZoneInfo("Europe/Paris")
STUDENT, GUARDIAN = UUID(int=11), UUID(int=12)
MONDAY_8 = datetime(2026, 11, 23, 8, tzinfo=PARIS)
TUESDAY_17 = datetime(2026, 11, 24, 17, tzinfo=PARIS)


def opened() -> AttendanceFile:
    file = AttendanceFile.open(STUDENT)
    file.collect_events()
    return file


def submitted(file: AttendanceFile, reason_code: str = "MALADIE") -> UUID:
    return file.submit_justification(
        first=MONDAY_8, last=TUESDAY_17, reason_code=reason_code, comment="Gastro", guardian_id=GUARDIAN
    )


def test_a_student_has_one_attendance_file() -> None:
    file = AttendanceFile.open(STUDENT)
    assert file.id == AttendanceFile.create_id(STUDENT) == AttendanceFile.open(STUDENT).id
    assert file.id != AttendanceFile.create_id(uuid4())
    assert (file.student_id, file.justifications) == (STUDENT, {})


def test_setting_a_reason_records_its_span_in_utc() -> None:
    file = opened()
    file.set_reason(first=MONDAY_8, last=TUESDAY_17, reason_code="MALADIE", comment="  Certificat ", settled=True)
    [reason] = file.collect_events()
    assert isinstance(reason, AttendanceFile.ReasonSet)
    assert (reason.first, reason.last) == (
        datetime(2026, 11, 23, 7, tzinfo=UTC),
        datetime(2026, 11, 24, 16, tzinfo=UTC),
    )
    assert reason.first.tzinfo is UTC
    assert (reason.reason_code, reason.comment, reason.settled) == ("MALADIE", "Certificat", True)


def test_a_blank_comment_is_no_comment() -> None:
    file = opened()
    file.set_reason(first=MONDAY_8, last=TUESDAY_17, reason_code="INCONNU", comment="   ", settled=False)
    [reason] = file.collect_events()
    assert isinstance(reason, AttendanceFile.ReasonSet) and reason.comment is None


@pytest.mark.parametrize(
    ("first", "last", "comment", "field"),
    [
        (MONDAY_8.replace(tzinfo=None), TUESDAY_17, None, "first"),
        (MONDAY_8, TUESDAY_17.replace(tzinfo=None), None, "last"),
        (TUESDAY_17, MONDAY_8, None, "last"),
        (MONDAY_8, MONDAY_8.astimezone(UTC), None, "last"),
        (MONDAY_8, TUESDAY_17, "x" * 1001, "comment"),
    ],
    ids=["naive-first", "naive-last", "reversed", "empty", "long-comment"],
)
def test_a_span_or_comment_that_cannot_be_right_is_refused(
    first: datetime, last: datetime, comment: str | None, field: str
) -> None:
    file = opened()
    with pytest.raises(DomainError) as raised:
        file.set_reason(first=first, last=last, reason_code="MALADIE", comment=comment, settled=False)
    assert refused(raised) == ("invalid-value", field)
    with pytest.raises(DomainError) as raised:
        file.submit_justification(first=first, last=last, reason_code="MALADIE", comment=comment, guardian_id=GUARDIAN)
    assert refused(raised) == ("invalid-value", field)
    assert file.pending_events == [] and file.justifications == {}


def test_a_justification_is_pending_until_the_office_decides() -> None:
    file = opened()
    justification_id = submitted(file)
    [event] = file.collect_events()
    assert isinstance(event, AttendanceFile.JustificationSubmitted)
    assert (event.justification_id, event.guardian_id, event.reason_code) == (justification_id, GUARDIAN, "MALADIE")
    justification = file.justifications[justification_id]
    assert (justification.state, justification.comment) == (JustificationState.PENDING, "Gastro")
    assert justification.first == MONDAY_8 and justification.first.tzinfo is UTC


def test_each_justification_has_its_own_id() -> None:
    file = opened()
    assert submitted(file) != submitted(file)
    assert len(file.justifications) == 2


def test_accepting_a_justification_also_sets_its_reason_not_settled() -> None:
    file = opened()
    justification_id = submitted(file, "RDV_MEDICAL")
    file.collect_events()
    file.accept(justification_id)
    accepted, reason = file.collect_events()
    assert isinstance(accepted, AttendanceFile.JustificationAccepted)
    assert accepted.justification_id == justification_id
    assert isinstance(reason, AttendanceFile.ReasonSet)
    assert (reason.first, reason.last) == (MONDAY_8, TUESDAY_17)
    assert (reason.reason_code, reason.comment, reason.settled) == ("RDV_MEDICAL", "Gastro", False)
    assert file.justifications[justification_id].state is JustificationState.ACCEPTED


def test_refusing_a_justification_sets_no_reason() -> None:
    file = opened()
    justification_id = submitted(file)
    file.collect_events()
    file.refuse(justification_id, " Pas de certificat ")
    [refused_event] = file.collect_events()
    assert isinstance(refused_event, AttendanceFile.JustificationRefused)
    assert refused_event.comment == "Pas de certificat"
    assert file.justifications[justification_id].state is JustificationState.REFUSED


@pytest.mark.parametrize("first_decision", ["accept", "refuse"])
def test_a_justification_is_decided_once(first_decision: str) -> None:
    file = opened()
    justification_id = submitted(file)
    if first_decision == "accept":
        file.accept(justification_id)
    else:
        file.refuse(justification_id, None)
    file.collect_events()
    with pytest.raises(DomainError) as raised:
        file.accept(justification_id)
    assert refused(raised) == ("rule-violated", "justification_id")
    with pytest.raises(DomainError) as raised:
        file.refuse(justification_id, "non")
    assert refused(raised) == ("rule-violated", "justification_id")
    assert file.pending_events == []


def test_an_unknown_justification_cannot_be_decided() -> None:
    file = opened()
    for decide in (file.accept, lambda j: file.refuse(j, None)):
        with pytest.raises(DomainError) as raised:
            decide(uuid4())
        assert refused(raised) == ("rule-violated", "justification_id")


def test_a_refusal_with_a_too_long_comment_is_refused() -> None:
    file = opened()
    justification_id = submitted(file)
    with pytest.raises(DomainError) as raised:
        file.refuse(justification_id, "x" * 1001)
    assert refused(raised) == ("invalid-value", "comment")
    assert file.justifications[justification_id].state is JustificationState.PENDING


def busy_file() -> AttendanceFile:
    file = AttendanceFile.open(STUDENT)
    file.set_reason(first=MONDAY_8, last=TUESDAY_17, reason_code="INCONNU", comment=None, settled=False)
    accepted = submitted(file)
    file.accept(accepted)
    later = MONDAY_8 + timedelta(weeks=1)
    refused_id = file.submit_justification(
        first=later, last=later + timedelta(hours=2), reason_code="REVEIL", comment=None, guardian_id=GUARDIAN
    )
    file.refuse(refused_id, "Non recevable")
    submitted(file, "FAMILLE")
    return file


def test_an_attendance_file_is_rebuilt_from_its_events() -> None:
    file = busy_file()
    assert replayed(file) == file


def test_an_attendance_file_with_its_instants_and_ids_survives_the_event_store() -> None:
    file = busy_file()
    reloaded = stored_and_reloaded(file)
    assert reloaded == file
    states = sorted(j.state.value for j in reloaded.justifications.values())
    assert states == ["accepted", "pending", "refused"]
