"""The permission catalogue: every action a profile can grant, with a stable code.

The catalogue is data, in the field's areas (resources, grades, competencies, absences and
lateness, punishments, communication, agenda, exports…). Profiles and groups hold codes from it;
every HTTP route declares one; the Espaces of families grant the codes of their published rubrics.
Codes are stored in events: never rename one, add a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InvalidValue


class Permission(StrEnum):
    SESSION = "session"  # any open session: its own account, password, logout

    CLASSES_READ = "classes.read"
    CLASSES_WRITE = "classes.write"
    STUDENTS_READ = "students.read"
    STUDENTS_WRITE = "students.write"
    GUARDIANS_READ = "guardians.read"
    GUARDIANS_WRITE = "guardians.write"
    STAFF_READ = "staff.read"  # teachers and staff members
    STAFF_WRITE = "staff.write"
    STUDENT_ACCESS_HISTORY = "students.access-history"  # who consulted a student's record

    IMPORTS_RUN = "imports.run"
    ACCOUNTS_MANAGE = "accounts.manage"
    PROFILES_MANAGE = "profiles.manage"
    ESPACES_MANAGE = "espaces.manage"
    SESSIONS_MANAGE = "sessions.manage"
    JOURNAL_READ = "journal.read"  # the whole RGPD access journal of the base

    RESOURCES_READ = "resources.read"  # rooms, equipment
    RESOURCES_WRITE = "resources.write"
    TIMETABLES_READ = "timetables.read"
    TIMETABLES_WRITE = "timetables.write"
    GRADES_READ = "grades.read"
    GRADES_WRITE = "grades.write"
    COMPETENCIES_READ = "competencies.read"
    COMPETENCIES_WRITE = "competencies.write"
    BULLETINS_READ = "bulletins.read"
    BULLETINS_WRITE = "bulletins.write"
    REGISTERS_TAKE = "registers.take"
    ABSENCES_READ = "absences.read"
    ABSENCES_WRITE = "absences.write"
    ABSENCES_JUSTIFY = "absences.justify"  # families justify online
    LATENESS_WRITE = "lateness.write"
    PUNISHMENTS_READ = "punishments.read"
    PUNISHMENTS_WRITE = "punishments.write"
    COMMUNICATION_READ = "communication.read"
    COMMUNICATION_SEND = "communication.send"
    AGENDA_READ = "agenda.read"
    AGENDA_WRITE = "agenda.write"
    HOMEWORK_READ = "homework.read"
    HOMEWORK_WRITE = "homework.write"
    EXPORTS_RUN = "exports.run"


@dataclass(frozen=True)
class PermissionEntry:
    """One line of the catalogue as the super-admin reads it (labels in French, as in the field)."""

    code: Permission
    area: str
    label: str


_AREAS: dict[str, list[tuple[Permission, str]]] = {
    "Session": [(Permission.SESSION, "Se connecter, changer son mot de passe")],
    "Ressources": [
        (Permission.CLASSES_READ, "Consulter les classes et les groupes"),
        (Permission.CLASSES_WRITE, "Créer et modifier les classes"),
        (Permission.STUDENTS_READ, "Consulter les fiches des élèves"),
        (Permission.STUDENTS_WRITE, "Créer et modifier les élèves"),
        (Permission.GUARDIANS_READ, "Consulter les responsables"),
        (Permission.GUARDIANS_WRITE, "Créer et modifier les responsables"),
        (Permission.STAFF_READ, "Consulter les professeurs et les personnels"),
        (Permission.STAFF_WRITE, "Créer et modifier les professeurs et les personnels"),
        (Permission.RESOURCES_READ, "Consulter les salles et le matériel"),
        (Permission.RESOURCES_WRITE, "Gérer les salles et le matériel"),
    ],
    "Administration": [
        (Permission.IMPORTS_RUN, "Importer depuis SIECLE, STS-WEB et ONDE"),
        (Permission.ACCOUNTS_MANAGE, "Créer les comptes, éditer les lettres de connexion"),
        (Permission.PROFILES_MANAGE, "Gérer les profils et les groupes d'autorisations"),
        (Permission.ESPACES_MANAGE, "Publier les Espaces, choisir leurs rubriques"),
        (Permission.SESSIONS_MANAGE, "Voir et fermer les connexions en cours"),
        (Permission.JOURNAL_READ, "Consulter le journal des accès aux données personnelles"),
        (Permission.STUDENT_ACCESS_HISTORY, "Voir qui a consulté la fiche d'un élève"),
    ],
    "Emploi du temps": [
        (Permission.TIMETABLES_READ, "Consulter les emplois du temps"),
        (Permission.TIMETABLES_WRITE, "Modifier les emplois du temps"),
    ],
    "Notes": [
        (Permission.GRADES_READ, "Consulter les notes"),
        (Permission.GRADES_WRITE, "Saisir les notes"),
        (Permission.BULLETINS_READ, "Consulter les bulletins"),
        (Permission.BULLETINS_WRITE, "Saisir les appréciations des bulletins"),
    ],
    "Compétences": [
        (Permission.COMPETENCIES_READ, "Consulter les compétences"),
        (Permission.COMPETENCIES_WRITE, "Évaluer les compétences"),
    ],
    "Absences et retards": [
        (Permission.REGISTERS_TAKE, "Faire l'appel"),
        (Permission.ABSENCES_READ, "Consulter les absences et les retards"),
        (Permission.ABSENCES_WRITE, "Saisir et régler les absences"),
        (Permission.ABSENCES_JUSTIFY, "Justifier les absences en ligne"),
        (Permission.LATENESS_WRITE, "Saisir les retards"),
    ],
    "Punitions et sanctions": [
        (Permission.PUNISHMENTS_READ, "Consulter les punitions et les sanctions"),
        (Permission.PUNISHMENTS_WRITE, "Saisir les punitions"),
    ],
    "Communication": [
        (Permission.COMMUNICATION_READ, "Lire les informations et les discussions"),
        (Permission.COMMUNICATION_SEND, "Envoyer des informations et des messages"),
    ],
    "Agenda et cahier de textes": [
        (Permission.AGENDA_READ, "Consulter l'agenda"),
        (Permission.AGENDA_WRITE, "Saisir dans l'agenda"),
        (Permission.HOMEWORK_READ, "Consulter le cahier de textes"),
        (Permission.HOMEWORK_WRITE, "Remplir le cahier de textes"),
    ],
    "Exports": [(Permission.EXPORTS_RUN, "Exporter les données (LSU, tableurs)")],
}

CATALOGUE: tuple[PermissionEntry, ...] = tuple(
    PermissionEntry(code, area, label) for area, entries in _AREAS.items() for code, label in entries
)
assert {entry.code for entry in CATALOGUE} == set(Permission), "every permission is in the catalogue once"


def parse_permissions(codes: list[str], field: str = "permissions") -> frozenset[Permission]:
    """Codes from a profile's editor; an unknown code names itself rather than being dropped."""
    parsed = set()
    for index, code in enumerate(codes):
        try:
            parsed.add(Permission(code))
        except ValueError:
            raise InvalidValue(f"{code!r} is not a permission of the catalogue", field=f"{field}[{index}]") from None
    return frozenset(parsed)
