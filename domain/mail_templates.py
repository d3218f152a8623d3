"""The e-mails Cartable sends to people, as templates a school may reword.

A template is plain French text with ``{variable}`` placeholders. Each kind of mail has its own closed
list of variables; :func:`parse_template` refuses anything else (an unknown name, ``{login.upper}``,
``{login!r}``, ``{login:>10}``, a stray brace), so that rendering a template that was accepted never fails.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InvalidValue

MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 10_000

# Every character str.splitlines() breaks on, with the blanks around it.
_LINE_BREAK = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


class TemplateKind(StrEnum):
    """Which mail a template is for."""

    CREDENTIALS = "credentials"  # a login and a provisional password
    UNKNOWN_DEVICE = "unknown-device"  # someone connected from a device not recognised
    PASSWORD_RECOVERY = "password-recovery"  # noqa: S105 (a kind of mail: a link holding a single-use token)
    ABSENCE = "absence"  # a child was marked absent at a lesson


@dataclass(frozen=True)
class MailTemplate:
    """A subject and a body, each with ``{variable}`` placeholders."""

    subject: str
    body: str


VARIABLES: Mapping[TemplateKind, frozenset[str]] = {
    TemplateKind.CREDENTIALS: frozenset({"login", "password", "first_name", "last_name", "school", "url"}),
    TemplateKind.UNKNOWN_DEVICE: frozenset({"login", "first_name", "last_name", "school", "when", "address", "device"}),
    TemplateKind.PASSWORD_RECOVERY: frozenset({"login", "first_name", "last_name", "school", "url", "expires"}),
    TemplateKind.ABSENCE: frozenset({"guardian", "student", "date", "time", "lesson", "school", "url"}),
}
"""The variables each kind of template may use."""

REQUIRED_IN_BODY: Mapping[TemplateKind, frozenset[str]] = {
    TemplateKind.CREDENTIALS: frozenset({"login", "password"}),
    TemplateKind.UNKNOWN_DEVICE: frozenset(),
    TemplateKind.PASSWORD_RECOVERY: frozenset({"url"}),
    TemplateKind.ABSENCE: frozenset({"student", "date", "time"}),
}
"""What a mail of the kind is useless without."""

SECRETS: Mapping[TemplateKind, frozenset[str]] = {
    TemplateKind.CREDENTIALS: frozenset({"password"}),
    TemplateKind.UNKNOWN_DEVICE: frozenset(),
    TemplateKind.PASSWORD_RECOVERY: frozenset({"url"}),
    TemplateKind.ABSENCE: frozenset(),
}
"""Variables never allowed in a subject: subjects show in notifications and in the service's logs."""


def parse_template(kind: TemplateKind, subject: str, body: str) -> MailTemplate:
    """The template if every placeholder is one of the kind's variables, else :class:`InvalidValue`."""
    _check_text(kind, "subject", subject, MAX_SUBJECT_LENGTH)
    _check_text(kind, "body", body, MAX_BODY_LENGTH)
    if _LINE_BREAK.search(subject):
        raise InvalidValue(f"subject {subject!r} must hold on one line", field="subject")
    in_subject = _variables(kind, "subject", subject)
    if leaked := sorted(in_subject & SECRETS[kind]):
        raise InvalidValue(
            f"subject {subject!r} must not show {_braced(leaked)}: subjects are seen before the mail is opened",
            field="subject",
        )
    if missing := sorted(REQUIRED_IN_BODY[kind] - _variables(kind, "body", body)):
        raise InvalidValue(f"the {kind} body must contain {_braced(missing)}", field="body")
    return MailTemplate(subject=subject, body=body)


def render(template: MailTemplate, variables: Mapping[str, str]) -> tuple[str, str]:
    """The subject (on one line, whatever the values) and the body, with each value inserted as it is.

    Values are inserted verbatim, never formatted, so no value can make an accepted template fail.
    Extra variables are ignored; a variable the template uses but the caller did not give is a
    programming error (ValueError).
    """
    subject = _LINE_BREAK.sub(" ", _substitute(template.subject, variables)).strip()
    return subject, _substitute(template.body, variables)


def _check_text(kind: TemplateKind, field: str, text: str, max_length: int) -> None:
    if not text.strip():
        raise InvalidValue(f"the {kind} {field} must not be empty", field=field)
    if len(text) > max_length:
        raise InvalidValue(f"the {kind} {field} has {len(text)} characters, more than {max_length}", field=field)


def _variables(kind: TemplateKind, field: str, text: str) -> set[str]:
    allowed = VARIABLES[kind]
    try:
        parts = list(_fields(text))
    except ValueError as error:  # "Single '}' encountered", "expected '}' before end of string"
        raise InvalidValue(f"{field} {text!r} has misplaced braces ({error})", field=field) from None
    found: set[str] = set()
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise InvalidValue(
                f"{field} uses {written!r}; a {kind} template may only use {_braced(sorted(allowed))}",
                field=field,
            )
        found.add(name)
    return found


def _substitute(text: str, variables: Mapping[str, str]) -> str:
    pieces: list[str] = []
    for literal, name, _spec, _conversion in _fields(text):
        pieces.append(literal)
        if name is None:
            continue
        try:
            pieces.append(variables[name])
        except KeyError:
            raise ValueError(f"template variable {name!r} has no value") from None
    return "".join(pieces)


def _fields(text: str) -> Iterator[tuple[str, str | None, str | None, str | None]]:
    """(literal, field, format spec, conversion) in order; ValueError on misplaced braces."""
    return iter(string.Formatter().parse(text))


def _braced(names: list[str]) -> str:
    return ", ".join("{" + name + "}" for name in names)


DEFAULT_TEMPLATES: dict[TemplateKind, MailTemplate] = {
    TemplateKind.ABSENCE: MailTemplate(
        subject="{school} : absence de {student}",
        body=(
            "Bonjour {guardian},\n"
            "\n"
            "{student} a été noté(e) absent(e) le {date} à {time} ({lesson}).\n"
            "\n"
            "Si vous connaissez le motif de cette absence, merci de le signaler à la vie scolaire,\n"
            "ou en ligne depuis l’Espace Parents lorsque l’établissement le permet : {url}\n"
            "\n"
            "Cordialement,\n"
            "La vie scolaire, {school}\n"
            "\n"
            "Ce message a été envoyé automatiquement, merci de ne pas y répondre.\n"
        ),
    ),
    TemplateKind.CREDENTIALS: MailTemplate(
        subject="Vos identifiants {school}",
        body=(
            "Bonjour {first_name} {last_name},\n"
            "\n"
            "Voici vos identifiants pour vous connecter à l’espace de vie scolaire de {school} :\n"
            "\n"
            "    Identifiant : {login}\n"
            "    Mot de passe provisoire : {password}\n"
            "\n"
            "Connectez-vous à l’adresse {url}\n"
            "\n"
            "Ce mot de passe est provisoire : il vous sera demandé de le changer dès votre première connexion.\n"
            "Ne le communiquez à personne ; l’établissement ne vous le demandera jamais.\n"
            "\n"
            "Cordialement,\n"
            "{school}\n"
            "\n"
            "Ce message a été envoyé automatiquement, merci de ne pas y répondre.\n"
        ),
    ),
    TemplateKind.UNKNOWN_DEVICE: MailTemplate(
        subject="Nouvelle connexion à votre compte {school}",
        body=(
            "Bonjour {first_name} {last_name},\n"
            "\n"
            "Votre compte {login} a été utilisé le {when} depuis un appareil que nous ne connaissions pas :\n"
            "\n"
            "    Appareil : {device}\n"
            "    Adresse IP : {address}\n"
            "\n"
            "Si c’est vous, vous n’avez rien à faire.\n"
            "Sinon, changez votre mot de passe sans attendre et prévenez l’établissement.\n"
            "\n"
            "Cordialement,\n"
            "{school}\n"
            "\n"
            "Ce message a été envoyé automatiquement, merci de ne pas y répondre.\n"
        ),
    ),
    TemplateKind.PASSWORD_RECOVERY: MailTemplate(
        subject="Réinitialisation de votre mot de passe {school}",
        body=(
            "Bonjour {first_name} {last_name},\n"
            "\n"
            "Vous avez demandé à choisir un nouveau mot de passe pour votre compte {login}.\n"
            "Ouvrez ce lien pour le faire :\n"
            "\n"
            "    {url}\n"
            "\n"
            "Ce lien ne sert qu’une fois et n’est plus valable après le {expires}.\n"
            "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : "
            "votre mot de passe reste inchangé.\n"
            "\n"
            "Cordialement,\n"
            "{school}\n"
            "\n"
            "Ce message a été envoyé automatiquement, merci de ne pas y répondre.\n"
        ),
    ),
}
"""What is sent until a school rewords it; each passes :func:`parse_template` (tested)."""
