"""A student (élève) of the base and the class they are in."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.external_ids import ExternallyIdentified
from domain.ids import natural_id
from domain.school_class import parse_class_code
from domain.values import MealPlan, Sex, parse_birth_date, parse_choice, parse_ine, parse_text


class Student(ExternallyIdentified):
    """A student; keyed by INE when it is known, so that enrolling the same INE twice is refused."""

    class Enrolled(Aggregate.Created):
        ine: str | None
        last_name: str
        first_name: str
        birth_date: date
        sex: str | None
        class_code: str | None

    class MovedToClass(Aggregate.Event):
        class_code: str

    class ExternalIdRecorded(ExternallyIdentified.ExternalIdRecorded):
        pass

    class AccountOpened(ExternallyIdentified.AccountOpened):
        pass

    class IneRecorded(Aggregate.Event):
        ine: str

    class DetailsCorrected(Aggregate.Event):
        """The identity a national file gives differs from ours: the file is the reference."""

        last_name: str
        first_name: str
        birth_date: date
        sex: str | None

    class JoinedGroup(Aggregate.Event):
        group_code: str

    class LeftGroup(Aggregate.Event):
        group_code: str

    class Left(Aggregate.Event):
        """The student left the school (SIECLE DATE_SORTIE, or gone from a full export)."""

        on: date
        reason: str

    class Readmitted(Aggregate.Event):
        """A student who had left is back in the school's files."""

    class MealPlanChanged(Aggregate.Event):
        """Externe, demi-pensionnaire or interne: who the canteen register expects."""

        meal_plan: str

    class ExitAuthorisationChanged(Aggregate.Event):
        """Whether the student may leave the school when they have no lesson (else: permanence)."""

        authorised: bool

    @staticmethod
    def create_id(ine: str | None) -> UUID:
        return natural_id("student", ine) if ine else uuid4()

    @classmethod
    def enrol(
        cls,
        *,
        last_name: str,
        first_name: str,
        birth_date: date,
        sex: str | None,
        ine: str | None = None,
        class_code: str | None = None,
    ) -> Student:
        """Enrol a student; the caller has checked that the class exists."""
        return cls(
            ine=parse_ine(ine) if ine else None,
            last_name=parse_text(last_name, "last_name"),
            first_name=parse_text(first_name, "first_name"),
            birth_date=parse_birth_date(birth_date),
            sex=_parse_sex(sex),
            class_code=parse_class_code(class_code) if class_code else None,
        )

    @event(Enrolled)
    def __init__(
        self,
        *,
        ine: str | None,
        last_name: str,
        first_name: str,
        birth_date: date,
        sex: str | None,
        class_code: str | None,
    ) -> None:
        self.ine = ine
        self.last_name = last_name
        self.first_name = first_name
        self.birth_date = birth_date
        self.sex = sex
        self.class_code = class_code
        self.groups: set[str] = set()
        self.left_on: date | None = None
        self.meal_plan = MealPlan.EXTERNAL
        self.exit_authorised = False

    def move_to_class(self, class_code: str) -> None:
        """Move the student to another class; the old one stays in the history."""
        code = parse_class_code(class_code)
        if code == self.class_code:
            raise RuleViolated(f"the student is already in class {code!r}", field="class_code")
        self._moved_to_class(class_code=code)

    @event(MovedToClass)
    def _moved_to_class(self, *, class_code: str) -> None:
        self.class_code = class_code

    def record_ine(self, ine: str) -> None:
        """Give the INE to a student enrolled without one; an INE, once known, never changes here."""
        value = parse_ine(ine)
        if self.ine is not None:
            raise RuleViolated(f"the student already has INE {self.ine!r}", field="ine")
        self._ine_recorded(ine=value)

    @event(IneRecorded)
    def _ine_recorded(self, *, ine: str) -> None:
        self.ine = ine

    def correct_details(self, *, last_name: str, first_name: str, birth_date: date, sex: str | None) -> None:
        details = (
            parse_text(last_name, "last_name"),
            parse_text(first_name, "first_name"),
            parse_birth_date(birth_date),
            _parse_sex(sex),
        )
        if details == (self.last_name, self.first_name, self.birth_date, self.sex):
            raise RuleViolated("the student's details are unchanged")
        self._details_corrected(last_name=details[0], first_name=details[1], birth_date=details[2], sex=details[3])

    @event(DetailsCorrected)
    def _details_corrected(self, *, last_name: str, first_name: str, birth_date: date, sex: str | None) -> None:
        self.last_name, self.first_name, self.birth_date, self.sex = last_name, first_name, birth_date, sex

    def join_group(self, group_code: str) -> None:
        code = parse_class_code(group_code, "group_code")
        if code in self.groups:
            raise RuleViolated(f"the student is already in group {code!r}", field="group_code")
        self._joined_group(group_code=code)

    @event(JoinedGroup)
    def _joined_group(self, *, group_code: str) -> None:
        self.groups.add(group_code)

    def leave_group(self, group_code: str) -> None:
        code = parse_class_code(group_code, "group_code")
        if code not in self.groups:
            raise RuleViolated(f"the student is not in group {code!r}", field="group_code")
        self._left_group(group_code=code)

    @event(LeftGroup)
    def _left_group(self, *, group_code: str) -> None:
        self.groups.discard(group_code)

    def leave(self, *, on: date, reason: str) -> None:
        if self.left_on is not None:
            raise RuleViolated(f"the student left on {self.left_on.isoformat()} already", field="left_on")
        self._left(on=on, reason=parse_text(reason, "reason", max_length=200))

    @event(Left)
    def _left(self, *, on: date, reason: str) -> None:
        self.left_on = on

    def readmit(self) -> None:
        if self.left_on is None:
            raise RuleViolated("the student has not left", field="left_on")
        self._readmitted()

    @event(Readmitted)
    def _readmitted(self) -> None:
        self.left_on = None

    def change_meal_plan(self, meal_plan: str) -> None:
        plan = parse_choice(MealPlan, meal_plan, "meal_plan")
        if plan is self.meal_plan:
            raise RuleViolated(f"the student's meal plan is already {plan.value}", field="meal_plan")
        self._meal_plan_changed(meal_plan=plan.value)

    @event(MealPlanChanged)
    def _meal_plan_changed(self, *, meal_plan: str) -> None:
        self.meal_plan = MealPlan(meal_plan)

    def authorise_exit(self, authorised: bool) -> None:
        if authorised == self.exit_authorised:
            raise RuleViolated("the student's exit authorisation is unchanged", field="authorised")
        self._exit_authorisation_changed(authorised=authorised)

    @event(ExitAuthorisationChanged)
    def _exit_authorisation_changed(self, *, authorised: bool) -> None:
        self.exit_authorised = authorised


def _parse_sex(sex: str | None) -> str | None:
    """F or M; unknown (None) only where a national file does not say (the API always asks)."""
    return None if sex is None else parse_choice(Sex, sex, "sex").value
