from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.mail_templates import (
    DEFAULT_TEMPLATES,
    MAX_BODY_LENGTH,
    VARIABLES,
    MailTemplate,
    TemplateKind,
    parse_template,
    render,
)

CREDENTIALS_VALUES = {
    "login": "lea.martin",
    "password": "Kx7pQm3vRt9a",
    "first_name": "Léa",
    "last_name": "MARTIN",
    "school": "Collège Jean-Jaurès",
    "url": "https://cartable.example.fr/connexion?login=lea.martin",
}


def values_for(kind: TemplateKind) -> dict[str, str]:
    return {name: f"<{name}>" for name in VARIABLES[kind]}


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_every_default_template_is_valid(kind: TemplateKind) -> None:
    default = DEFAULT_TEMPLATES[kind]
    assert parse_template(kind, default.subject, default.body) == default


def test_every_kind_has_a_default_template() -> None:
    assert set(DEFAULT_TEMPLATES) == set(TemplateKind)


def test_the_default_credentials_mail_renders_in_french_with_accents() -> None:
    subject, body = render(DEFAULT_TEMPLATES[TemplateKind.CREDENTIALS], CREDENTIALS_VALUES)
    assert subject == "Vos identifiants Collège Jean-Jaurès"
    assert body.startswith("Bonjour Léa MARTIN,\n")
    assert "Identifiant : lea.martin" in body
    assert "Mot de passe provisoire : Kx7pQm3vRt9a" in body
    assert "https://cartable.example.fr/connexion?login=lea.martin" in body
    assert "première connexion" in body
    assert "{" not in body


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_every_variable_of_a_default_template_is_replaced(kind: TemplateKind) -> None:
    subject, body = render(DEFAULT_TEMPLATES[kind], values_for(kind))
    assert "{" not in subject + body
    assert "<school>" in subject


def test_an_unknown_variable_is_refused_and_names_the_field() -> None:
    with pytest.raises(InvalidValue, match=r"\{classe\}") as refused:
        parse_template(TemplateKind.CREDENTIALS, "Vos identifiants", "{login} {password} {classe}")
    assert refused.value.field == "body"


def test_a_variable_of_another_kind_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_template(TemplateKind.UNKNOWN_DEVICE, "Connexion le {when}", "{url}")
    assert refused.value.field == "body"


def test_an_unknown_variable_in_the_subject_names_the_subject() -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_template(TemplateKind.CREDENTIALS, "Bienvenue {prenom}", "{login} {password}")
    assert refused.value.field == "subject"


@pytest.mark.parametrize(
    "body",
    [
        "{login} {password",
        "{login} password}",
        "{login} {password} {}",
        "{login} {password} {0}",
        "{login.upper} {password}",
        "{login[0]} {password}",
        "{login!r} {password}",
        "{login:>20} {password}",
        "{login:{password}} {password}",
    ],
)
def test_malformed_or_formatted_placeholders_are_refused(body: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_template(TemplateKind.CREDENTIALS, "Vos identifiants", body)
    assert refused.value.field == "body"


def test_doubled_braces_are_literal_braces() -> None:
    template = parse_template(TemplateKind.CREDENTIALS, "Vos identifiants", "{{{login}}} {password}")
    assert render(template, CREDENTIALS_VALUES)[1] == "{lea.martin} Kx7pQm3vRt9a"


@pytest.mark.parametrize(
    ("subject", "body", "field"), [("", "{login} {password}", "subject"), ("Sujet", " \n ", "body")]
)
def test_an_empty_subject_or_body_is_refused(subject: str, body: str, field: str) -> None:
    with pytest.raises(InvalidValue, match="must not be empty") as refused:
        parse_template(TemplateKind.CREDENTIALS, subject, body)
    assert refused.value.field == field


@pytest.mark.parametrize("body", ["Votre mot de passe : {password}", "Votre identifiant : {login}"])
def test_a_credentials_mail_must_give_both_login_and_password(body: str) -> None:
    with pytest.raises(InvalidValue, match="must contain") as refused:
        parse_template(TemplateKind.CREDENTIALS, "Vos identifiants", body)
    assert refused.value.field == "body"


def test_a_recovery_mail_must_give_its_link() -> None:
    with pytest.raises(InvalidValue, match=r"\{url\}") as refused:
        parse_template(TemplateKind.PASSWORD_RECOVERY, "Mot de passe", "Bonjour {first_name}")
    assert refused.value.field == "body"


@pytest.mark.parametrize(
    ("kind", "subject"),
    [(TemplateKind.CREDENTIALS, "Votre mot de passe {password}"), (TemplateKind.PASSWORD_RECOVERY, "Lien : {url}")],
)
def test_a_secret_never_goes_in_the_subject(kind: TemplateKind, subject: str) -> None:
    with pytest.raises(InvalidValue, match="must not show") as refused:
        parse_template(kind, subject, DEFAULT_TEMPLATES[kind].body)
    assert refused.value.field == "subject"


def test_a_subject_on_two_lines_is_refused() -> None:
    with pytest.raises(InvalidValue, match="one line") as refused:
        parse_template(TemplateKind.CREDENTIALS, "Vos identifiants\nBcc: x@example.org", "{login} {password}")
    assert refused.value.field == "subject"


def test_an_overlong_body_is_refused() -> None:
    with pytest.raises(InvalidValue, match="more than") as refused:
        parse_template(TemplateKind.CREDENTIALS, "Sujet", "{login} {password}" + "x" * MAX_BODY_LENGTH)
    assert refused.value.field == "body"


def test_a_value_with_line_breaks_cannot_split_the_subject() -> None:
    template = MailTemplate(subject="Connexion de {device}", body="{device}")
    subject, body = render(template, {"device": "Firefox\r\nBcc: x@example.org"})
    assert subject == "Connexion de Firefox Bcc: x@example.org"
    assert body == "Firefox\r\nBcc: x@example.org"


def test_a_missing_value_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"template variable '\w+' has no value"):
        render(DEFAULT_TEMPLATES[TemplateKind.CREDENTIALS], {"login": "x"})


def test_extra_values_are_ignored() -> None:
    template = parse_template(TemplateKind.CREDENTIALS, "Identifiants", "{login} {password}")
    assert render(template, {**CREDENTIALS_VALUES, "other": "ignored"}) == ("Identifiants", "lea.martin Kx7pQm3vRt9a")


@st.composite
def template_and_values(draw: st.DrawFn) -> tuple[MailTemplate, dict[str, str]]:
    """A valid template of any kind, built from literal text and its allowed placeholders, and any values."""
    kind = draw(st.sampled_from(list(TemplateKind)))
    allowed = sorted(VARIABLES[kind])
    literal = st.text(min_size=1, max_size=20).map(lambda text: text.replace("{", "{{").replace("}", "}}"))
    piece = st.one_of(literal, st.sampled_from(allowed).map(lambda name: "{" + name + "}"))
    subject_piece = st.one_of(
        literal.filter(lambda text: text.strip() and "\n" not in text and "\r" not in text),
        st.sampled_from(sorted(set(allowed) - {"password", "url"})).map(lambda name: "{" + name + "}"),
    )
    subject = "".join(draw(st.lists(subject_piece, min_size=1, max_size=5)))
    required = " ".join("{" + name + "}" for name in ("login", "password", "url") if name in allowed)
    body = required + "".join(draw(st.lists(piece, max_size=10)))
    values = draw(st.fixed_dictionaries({name: st.text() for name in allowed}))
    try:
        template = parse_template(kind, subject, body)
    except InvalidValue:  # a subject of blanks or of line separators only: not what this test is about
        template = DEFAULT_TEMPLATES[kind]
    return template, values


@given(template_and_values())
def test_rendering_a_valid_template_never_fails(case: tuple[MailTemplate, dict[str, str]]) -> None:
    template, values = case
    subject, body = render(template, values)
    assert "\n" not in subject and "\r" not in subject
    for _literal, name, _spec, _conversion in string.Formatter().parse(template.body):
        if name is not None:
            assert values[name] in body
