"""The school's absence and lateness reasons (motifs) and the flags that say what each one means."""

from __future__ import annotations

from typing import Any

import pytest

from domain.absence_reason import DEFAULT_REASONS, AbsenceReason, ReasonFlags, ReasonKind, parse_reason_code
from domain.errors import DomainError
from tests.domain.support import replayed
from tests.domain.test_school_calendar import refused, stored_and_reloaded

HEALTH = ReasonFlags(justified=True, health=True, usable_by_parents=True)


def define(**overrides: Any) -> AbsenceReason:
    values: dict[str, Any] = {"code": "MALADIE", "label": "Maladie", "kind": "absence", "flags": HEALTH}
    values.update(overrides)
    return AbsenceReason.define(**values)


def defined(**overrides: Any) -> AbsenceReason:
    reason = define(**overrides)
    reason.collect_events()
    return reason


def test_defining_a_reason_records_its_code_label_kind_and_flags() -> None:
    reason = define(code=" rdv_medical ", label="  Rendez-vous   médical ")
    [event] = reason.collect_events()
    assert isinstance(event, AbsenceReason.Defined)
    assert (event.code, event.label, event.kind) == ("RDV_MEDICAL", "Rendez-vous médical", "absence")
    assert (event.justified, event.health, event.usable_by_parents) == (True, True, True)
    assert (event.counts_as_absence, event.published) == (True, True)
    assert (reason.code, reason.kind, reason.flags) == ("RDV_MEDICAL", ReasonKind.ABSENCE, HEALTH)


def test_a_reason_is_keyed_by_its_code() -> None:
    assert define(code="maladie").id == define(code="MALADIE").id == AbsenceReason.create_id("MALADIE")
    assert define(code="FAMILLE").id != AbsenceReason.create_id("MALADIE")


def test_a_new_reason_counts_as_an_unjustified_published_absence_by_default() -> None:
    assert ReasonFlags() == ReasonFlags(
        counts_as_absence=True, justified=False, health=False, published=True, usable_by_parents=False
    )


@pytest.mark.parametrize("code", ["maladie", " MALADIE ", "RDV_2", "X", "A" * 20])
def test_reason_codes_are_upper_case_letters_digits_and_underscores(code: str) -> None:
    assert parse_reason_code(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["", "  ", "RDV MEDICAL", "RDV-MEDICAL", "ÉTUDE", "A" * 21])
def test_a_reason_code_that_is_not_one_is_refused_on_its_field(code: str) -> None:
    with pytest.raises(DomainError) as raised:
        parse_reason_code(code, "reason_code")
    assert refused(raised) == ("invalid-value", "reason_code")
    assert repr(code) in raised.value.message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"code": "RDV MEDICAL"}, "code"), ({"label": "   "}, "label"), ({"kind": "retard"}, "kind")],
)
def test_a_reason_that_cannot_be_right_is_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as raised:
        define(**overrides)
    assert refused(raised) == ("invalid-value", field)


def test_a_lateness_reason_is_of_the_lateness_kind() -> None:
    assert define(code="TRANSPORT", kind="lateness").kind is ReasonKind.LATENESS


def test_changing_a_reason_records_its_new_label_and_flags() -> None:
    reason = defined()
    confidential = ReasonFlags(justified=True, health=True, published=False)
    reason.change(label=" Maladie (confidentiel) ", flags=confidential)
    [changed] = reason.collect_events()
    assert isinstance(changed, AbsenceReason.Changed)
    assert (changed.label, changed.published, changed.usable_by_parents) == ("Maladie (confidentiel)", False, False)
    assert (reason.label, reason.flags, reason.code) == ("Maladie (confidentiel)", confidential, "MALADIE")


def test_only_the_flags_of_a_reason_may_change() -> None:
    reason = defined()
    reason.change(label="Maladie", flags=ReasonFlags(justified=True, health=True))
    assert not reason.flags.usable_by_parents


def test_an_unchanged_reason_is_refused() -> None:
    reason = defined()
    with pytest.raises(DomainError) as raised:
        reason.change(label="  Maladie ", flags=HEALTH)
    assert refused(raised) == ("rule-violated", "label")
    assert reason.pending_events == []


def test_a_reason_cannot_lose_its_label() -> None:
    with pytest.raises(DomainError) as raised:
        defined().change(label="", flags=HEALTH)
    assert refused(raised) == ("invalid-value", "label")


def test_the_default_reasons_can_all_be_defined_each_with_its_own_code() -> None:
    reasons = [AbsenceReason.define(code=c, label=label, kind=k.value, flags=f) for c, label, k, f in DEFAULT_REASONS]
    assert [r.code for r in reasons] == [c for c, *_ in DEFAULT_REASONS]
    assert len({r.id for r in reasons}) == len(DEFAULT_REASONS) == 10


def test_the_default_reasons_mean_what_schools_expect() -> None:
    flags = {code: f for code, _, _, f in DEFAULT_REASONS}
    kinds = {code: k for code, _, k, _ in DEFAULT_REASONS}
    assert flags["MALADIE"].health and flags["MALADIE"].justified and flags["MALADIE"].usable_by_parents
    assert not flags["CONFIDENTIEL"].published
    assert not flags["SORTIE"].counts_as_absence and not flags["EXAMEN"].counts_as_absence
    assert not flags["NON_RECEVABLE"].justified and not flags["INCONNU"].justified
    assert {code for code, k in kinds.items() if k is ReasonKind.LATENESS} == {"TRANSPORT", "REVEIL"}
    assert {code for code, f in flags.items() if f.usable_by_parents} == {
        "MALADIE",
        "RDV_MEDICAL",
        "FAMILLE",
        "TRANSPORT",
        "REVEIL",
    }


def changed_reason() -> AbsenceReason:
    reason = define()
    reason.change(label="Maladie", flags=ReasonFlags(justified=True))
    return reason


def test_a_reason_is_rebuilt_from_its_events() -> None:
    reason = changed_reason()
    assert replayed(reason) == reason


def test_a_reason_survives_the_event_store() -> None:
    reason = changed_reason()
    reloaded = stored_and_reloaded(reason)
    assert reloaded == reason
    assert (reloaded.kind, reloaded.flags) == (ReasonKind.ABSENCE, ReasonFlags(justified=True))
