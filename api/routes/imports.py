"""Imports of national files (SIECLE, STS-WEB, ONDE) as multipart uploads."""

from __future__ import annotations

from adapters.national.readers import READERS, read_files
from api.endpoints import Call, Endpoint
from api.problems import FieldError, Problem
from api.schemas.imports import ImportReportOut
from domain.permissions import Permission

_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}


def import_files(call: Call) -> ImportReportOut:
    kind = call.path["kind"]
    if kind not in READERS:
        raise Problem(404, "not-found", f"no import {kind!r}: one of {', '.join(sorted(READERS))}")
    parsed = read_files(kind, [(upload.name, upload.data) for upload in call.uploads])
    report = call.school.import_files(kind, parsed, force_uai=_flag(call, "force_uai"), dry_run=_flag(call, "dry_run"))
    return ImportReportOut.model_validate(report.as_dict())


def _flag(call: Call, name: str) -> bool:
    value = call.form.get(name, "").strip().lower()
    if value not in _TRUE | _FALSE:
        raise Problem(422, "invalid-request", f"{name} must be true or false", [FieldError(name, "not a boolean")])
    return value in _TRUE


endpoints = [
    Endpoint(
        "POST",
        "/schools/{uai}/imports/{kind}",
        import_files,
        "Import SIECLE, STS-WEB or ONDE files (multipart: the files, dry_run, force_uai)",
        Permission.IMPORTS_RUN,
        response=ImportReportOut,
        upload=True,
        tag="imports",
        slow=True,
    ),
]
