"""Classes of a school."""

from __future__ import annotations

from api.endpoints import Call, Endpoint
from api.schemas.classes import ClassOut, ClassPage, OpenClass
from domain.permissions import Permission
from domain.school_class import parse_class_code


def list_classes(call: Call) -> ClassPage:
    return ClassPage(items=[ClassOut.model_validate(c) for c in call.school.list_classes(call.caller)])


def open_class(call: Call) -> ClassOut:
    command = call.command(OpenClass)
    base = call.school
    base.execute(lambda unit: base.open_class(unit, code=command.code, label=command.label, level=command.level))
    # The class is stored under its parsed code ("3  A" is "3 A"), so it is read back under that code.
    return ClassOut.model_validate(base.get_class(call.caller, parse_class_code(command.code, "code")))


endpoints = [
    Endpoint(
        "GET", "/schools/{uai}/classes", list_classes, "List classes", Permission.CLASSES_READ, response=ClassPage
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/classes",
        open_class,
        "Open a class",
        Permission.CLASSES_WRITE,
        body=OpenClass,
        response=ClassOut,
        status=201,
    ),
]
