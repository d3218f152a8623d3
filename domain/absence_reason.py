"""The school's absence and lateness reasons (motifs), each with the flags that decide what it means.

The flags are PRONOTE's columns: does it count as an absence on the bulletin, is it justified, is it
a health reason, is it published to families (a confidential reason is not), may parents choose it
when they justify online. Each reason is its own small aggregate, keyed by its code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RuleViolated
from domain.ids import natural_id
from domain.values import parse_choice, parse_text

_CODE = re.compile(r"^[A-Z0-9_]{1,20}$")


class ReasonKind(StrEnum):
    ABSENCE = "absence"
    LATENESS = "lateness"


@dataclass(frozen=True)
class ReasonFlags:
    counts_as_absence: bool = True
    justified: bool = False
    health: bool = False
    published: bool = True
    usable_by_parents: bool = False


class AbsenceReason(Aggregate):
    class Defined(Aggregate.Created):
        code: str
        label: str
        kind: str
        counts_as_absence: bool
        justified: bool
        health: bool
        published: bool
        usable_by_parents: bool

    class Changed(Aggregate.Event):
        label: str
        counts_as_absence: bool
        justified: bool
        health: bool
        published: bool
        usable_by_parents: bool

    @staticmethod
    def create_id(code: str) -> UUID:
        return natural_id("absence-reason", code)

    @classmethod
    def define(cls, *, code: str, label: str, kind: str, flags: ReasonFlags) -> AbsenceReason:
        return cls(
            code=parse_reason_code(code),
            label=parse_text(label, "label"),
            kind=parse_choice(ReasonKind, kind, "kind").value,
            **vars(flags),
        )

    @event(Defined)
    def __init__(
        self,
        *,
        code: str,
        label: str,
        kind: str,
        counts_as_absence: bool,
        justified: bool,
        health: bool,
        published: bool,
        usable_by_parents: bool,
    ) -> None:
        self.code = code
        self.label = label
        self.kind = ReasonKind(kind)
        self.flags = ReasonFlags(counts_as_absence, justified, health, published, usable_by_parents)

    def change(self, *, label: str, flags: ReasonFlags) -> None:
        new_label = parse_text(label, "label")
        if (new_label, flags) == (self.label, self.flags):
            raise RuleViolated("the reason is unchanged", field="label")
        self._changed(label=new_label, **vars(flags))

    @event(Changed)
    def _changed(
        self,
        *,
        label: str,
        counts_as_absence: bool,
        justified: bool,
        health: bool,
        published: bool,
        usable_by_parents: bool,
    ) -> None:
        self.label = label
        self.flags = ReasonFlags(counts_as_absence, justified, health, published, usable_by_parents)


def parse_reason_code(code: str, field: str = "code") -> str:
    value = code.strip().upper()
    if not _CODE.match(value):
        raise InvalidValue(f"{code!r} is not a reason code (A-Z, 0-9, _; at most 20)", field=field)
    return value


# What a new base starts with: the reasons every school uses, which it then adapts.
DEFAULT_REASONS: tuple[tuple[str, str, ReasonKind, ReasonFlags], ...] = (
    ("MALADIE", "Maladie", ReasonKind.ABSENCE, ReasonFlags(justified=True, health=True, usable_by_parents=True)),
    (
        "RDV_MEDICAL",
        "Rendez-vous médical",
        ReasonKind.ABSENCE,
        ReasonFlags(justified=True, health=True, usable_by_parents=True),
    ),
    ("FAMILLE", "Raison familiale", ReasonKind.ABSENCE, ReasonFlags(justified=True, usable_by_parents=True)),
    ("TRANSPORT", "Problème de transport", ReasonKind.LATENESS, ReasonFlags(justified=True, usable_by_parents=True)),
    ("REVEIL", "Panne de réveil", ReasonKind.LATENESS, ReasonFlags(usable_by_parents=True)),
    ("SORTIE", "Sortie scolaire", ReasonKind.ABSENCE, ReasonFlags(counts_as_absence=False, justified=True)),
    ("EXAMEN", "Convocation à un examen", ReasonKind.ABSENCE, ReasonFlags(counts_as_absence=False, justified=True)),
    ("NON_RECEVABLE", "Motif non recevable", ReasonKind.ABSENCE, ReasonFlags()),
    ("INCONNU", "Motif non encore connu", ReasonKind.ABSENCE, ReasonFlags()),
    ("CONFIDENTIEL", "Motif confidentiel", ReasonKind.ABSENCE, ReasonFlags(justified=True, published=False)),
)
