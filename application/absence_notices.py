"""Telling families of an absence, once the call that records it is saved.

The notice goes through the mail port (SMTP, or the pickup folder on the embedded default) to each
legal guardian who gave an address. Like every mail, it is sent after the command is committed,
never from inside it (a retried command would mail twice), and a mail that fails is logged, never
allowed to undo the call. It leaves from the base's notices thread, not the request's, once the base
is calm (no command for half a second, a minute at most): building and delivering mails cost more
than the calls themselves, and slowed them down even from another thread (the 8 o'clock rush
measured both).
"""

from __future__ import annotations

from uuid import UUID

import structlog

from application.core import BaseCore
from application.errors import MailNotSent
from application.ports import Mail
from domain.mail_templates import DEFAULT_TEMPLATES, TemplateKind, render
from projections.attendance import Attendance
from projections.directory_roster import legal_guardian_emails, student_names

log = structlog.get_logger(__name__)

QUIET_SECONDS = 0.5  # no command for this long: the base is calm enough to build mails
MAX_DELAY_SECONDS = 60.0  # a notice never waits longer than this for calm


def notify_absences(base: BaseCore, register_id: UUID, student_ids: set[UUID]) -> int:
    """Mail the guardians of each student newly marked absent in the register; returns mails sent.

    It runs in the base's notices thread: whatever goes wrong is logged here, since nobody waits.
    """
    try:
        base.wait_for_calm(QUIET_SECONDS, MAX_DELAY_SECONDS)
        return _notify(base, register_id, student_ids)
    except Exception:
        log.exception("absence_notices_failed", uai=base.uai, register_id=str(register_id))
        return 0


def _notify(base: BaseCore, register_id: UUID, student_ids: set[UUID]) -> int:
    if base.mailer is None:
        return 0
    with base.reading() as connection:
        detail = Attendance.register(connection, register_id)
        if detail is None:
            return 0
        names = student_names(connection, student_ids)
        contacts = {student_id: legal_guardian_emails(connection, student_id) for student_id in student_ids}
        school = base.registered_school()
    sent = 0
    for student_id, guardians in contacts.items():
        last_name, first_name = names.get(student_id, ("", ""))
        for guardian in guardians:
            subject, body = render(
                DEFAULT_TEMPLATES[TemplateKind.ABSENCE],
                {
                    "guardian": f"{guardian.civility or ''} {guardian.last_name}".strip(),
                    "student": f"{first_name} {last_name}".strip(),
                    "date": detail.day.strftime("%d/%m/%Y"),
                    "time": detail.start.strftime("%Hh%M"),
                    "lesson": detail.subject_label or "cours",
                    "school": school.name,
                    "url": base.public_url,
                },
            )
            try:
                base.mailer.send(Mail(to=guardian.email, subject=subject, body=body))
            except MailNotSent as error:
                log.error("absence_notice_failed", uai=base.uai, register_id=str(register_id), reason=str(error))
                continue
            sent += 1
    log.info("absence_notices_sent", uai=base.uai, register_id=str(register_id), students=len(student_ids), sent=sent)
    return sent
