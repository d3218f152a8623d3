"""The RGPD access history: who consulted a student's record (families included), the base's journal."""

from __future__ import annotations

from api.endpoints import Call, Endpoint
from api.schemas.access import (
    AccessHistoryOut,
    ChangeOut,
    ChangePage,
    ConsultationOut,
    JournalEntryOut,
    JournalPage,
)
from domain.permissions import Permission


def student_access_history(call: Call) -> AccessHistoryOut:
    student_id = call.path_id("student_id", "student")
    items = call.school.student_access_history(call.caller, student_id)
    return AccessHistoryOut(student_id=student_id, items=[ConsultationOut.model_validate(i) for i in items])


def access_journal(call: Call) -> JournalPage:
    items = call.school.access_journal(
        call.caller,
        since=call.query_instant("since"),
        until=call.query_instant("until"),
        login=call.query.get("login") or None,
    )
    return JournalPage(items=[JournalEntryOut.model_validate(i) for i in items])


def changes_of(call: Call) -> ChangePage:
    aggregate_id = call.path_id("aggregate_id", "aggregate")
    return ChangePage(items=[ChangeOut.model_validate(i) for i in call.school.changes_of(call.caller, aggregate_id)])


endpoints = [
    Endpoint(
        "GET",
        "/schools/{uai}/students/{student_id}/access-history",
        student_access_history,
        "Who consulted this student's record: families see it for their children (journaled)",
        Permission.STUDENT_ACCESS_HISTORY,
        response=AccessHistoryOut,
        tag="access",
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/access-journal",
        access_journal,
        "The base's RGPD access journal, newest first (reading it is journaled)",
        Permission.JOURNAL_READ,
        response=JournalPage,
        query={
            "since": "From this date or instant (ISO 8601, UTC when no zone is given), included.",
            "until": "To this date or instant, excluded.",
            "login": "Only the reads of this login.",
        },
        tag="access",
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/changes/{aggregate_id}",
        changes_of,
        "Who changed this student, account, profile… through the API, by which events (journaled)",
        Permission.JOURNAL_READ,
        response=ChangePage,
        tag="access",
    ),
]
