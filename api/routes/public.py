"""The school's public page (page établissement): readable by anyone, without logging in."""

from __future__ import annotations

from api.endpoints import Call, Endpoint
from api.schemas.espaces import PublicContactOut, PublicEspaceOut, PublicSchoolOut
from application.errors import NotFound
from domain.errors import InvalidValue


def get_public_page(call: Call) -> PublicSchoolOut:
    """The current base's page; a malformed UAI names no school either, so it is a 404 too."""
    uai = call.path["uai"]
    try:
        base = call.bases.current(uai)
    except (NotFound, InvalidValue):
        raise NotFound(f"school {uai!r} is not served here") from None
    page = base.public_page()
    return PublicSchoolOut(
        uai=page.uai,
        name=page.name,
        address=page.address,
        contact=PublicContactOut(phone=page.phone, email=page.email, website=page.website),
        information=page.information,
        espaces=[PublicEspaceOut(espace=espace, label=label) for espace, label in page.espaces],
    )


endpoints = [
    Endpoint(
        "GET",
        "/public/schools/{uai}",
        get_public_page,
        "The school's public page: name, address, contact, information and its open Espaces",
        None,
        response=PublicSchoolOut,
        tag="public",
    ),
]
