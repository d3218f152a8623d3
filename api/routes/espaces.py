"""The school's Espaces (published or stopped, rubrics, options), its licences and its public page."""

from __future__ import annotations

from api.endpoints import Call, Endpoint
from api.schemas.espaces import (
    ChangeLicences,
    ChangePublicPage,
    ChooseRubrics,
    EspaceOptionsOut,
    EspaceOut,
    EspacesOut,
    LicencesOut,
    PublicPageOut,
    SetEspaceOptions,
)
from application.espaces import EspaceView
from domain.errors import InvalidValue
from domain.espaces import Espace
from domain.permissions import Permission
from domain.school import EspaceOptions, PublicPage


def list_espaces(call: Call) -> EspacesOut:
    view = call.school.espaces_settings()
    return EspacesOut(
        items=[espace_out(item) for item in view.espaces],
        licences=LicencesOut(admin_seats=view.admin_seats, teacher_seats=view.teacher_seats),
    )


def publish_espace(call: Call) -> EspaceOut:
    espace, base = path_espace(call), call.school
    base.execute(lambda unit: base.publish_espace(unit, espace))
    return espace_out(base.espace_settings(espace))


def stop_espace(call: Call) -> EspaceOut:
    espace, base = path_espace(call), call.school
    base.execute(lambda unit: base.stop_espace(unit, espace))
    return espace_out(base.espace_settings(espace))


def choose_rubrics(call: Call) -> EspaceOut:
    espace, base = path_espace(call), call.school
    rubrics = frozenset(call.command(ChooseRubrics).rubrics)
    base.execute(lambda unit: base.choose_rubrics(unit, espace, rubrics))
    return espace_out(base.espace_settings(espace))


def set_espace_options(call: Call) -> EspaceOut:
    espace, base = path_espace(call), call.school
    command = call.command(SetEspaceOptions)
    base.execute(
        lambda unit: base.set_espace_options(
            unit,
            espace,
            EspaceOptions(
                password_recovery=command.password_recovery,
                online_justification=command.online_justification,
                bulletin_publication_date=command.bulletin_publication_date,
                inactivity_minutes=command.inactivity_minutes,
            ),
        )
    )
    return espace_out(base.espace_settings(espace))


def change_licences(call: Call) -> LicencesOut:
    command = call.command(ChangeLicences)
    base = call.school
    base.execute(
        lambda unit: base.change_licences(unit, admin_seats=command.admin_seats, teacher_seats=command.teacher_seats)
    )
    view = base.espaces_settings()
    return LicencesOut(admin_seats=view.admin_seats, teacher_seats=view.teacher_seats)


def change_public_page(call: Call) -> PublicPageOut:
    command = call.command(ChangePublicPage)
    base = call.school
    base.execute(
        lambda unit: base.change_public_page(
            unit,
            PublicPage(
                address=command.address,
                phone=command.phone,
                email=command.email,
                website=command.website,
                information=command.information,
            ),
        )
    )
    page = base.public_page()
    return PublicPageOut(
        address=page.address, phone=page.phone, email=page.email, website=page.website, information=page.information
    )


def path_espace(call: Call) -> Espace:
    """The Espace named in the path; an unknown one is a 422 naming the field and the choices."""
    value = call.path["espace"]
    try:
        return Espace(value)
    except ValueError:
        choices = ", ".join(espace.value for espace in Espace)
        raise InvalidValue(f"espace {value!r} is not an Espace: one of {choices}", field="espace") from None


def espace_out(view: EspaceView) -> EspaceOut:
    settings, options = view.settings, view.settings.options
    return EspaceOut(
        espace=view.espace,
        label=view.label,
        published=settings.published,
        rubrics=sorted(settings.rubrics),
        options=EspaceOptionsOut(
            password_recovery=options.password_recovery,
            online_justification=options.online_justification,
            bulletin_publication_date=options.bulletin_publication_date,
            inactivity_minutes=options.inactivity_minutes,
        ),
    )


endpoints = [
    Endpoint(
        "GET",
        "/schools/{uai}/espaces",
        list_espaces,
        "Every Espace: published or stopped, rubrics, options; and the licences",
        Permission.ESPACES_MANAGE,
        response=EspacesOut,
        tag="espaces",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/espaces/{espace}/publish",
        publish_espace,
        "Publish an Espace: its users may connect",
        Permission.ESPACES_MANAGE,
        response=EspaceOut,
        tag="espaces",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/espaces/{espace}/stop",
        stop_espace,
        "Stop an Espace: its users' connections are refused (espace-closed)",
        Permission.ESPACES_MANAGE,
        response=EspaceOut,
        tag="espaces",
    ),
    Endpoint(
        "PUT",
        "/schools/{uai}/espaces/{espace}/rubrics",
        choose_rubrics,
        "Choose the rubrics a family Espace publishes (its sessions' only rights)",
        Permission.ESPACES_MANAGE,
        body=ChooseRubrics,
        response=EspaceOut,
        tag="espaces",
    ),
    Endpoint(
        "PUT",
        "/schools/{uai}/espaces/{espace}/options",
        set_espace_options,
        "Set an Espace's options: password recovery, online justification, bulletins, inactivity",
        Permission.ESPACES_MANAGE,
        body=SetEspaceOptions,
        response=EspaceOut,
        tag="espaces",
    ),
    Endpoint(
        "PUT",
        "/schools/{uai}/licences",
        change_licences,
        "Change the admin-mode seats and the teacher licence",
        Permission.ESPACES_MANAGE,
        body=ChangeLicences,
        response=LicencesOut,
        tag="espaces",
    ),
    Endpoint(
        "PUT",
        "/schools/{uai}/public-page",
        change_public_page,
        "Replace the school's public page (page établissement)",
        Permission.ESPACES_MANAGE,
        body=ChangePublicPage,
        response=PublicPageOut,
        tag="espaces",
    ),
]
