"""The profiles and groups of the base, as the super-administrator's editor lists them.

A handful of rows per base (the defaults and the ones the school made); each row is written whole
when the profile is created and its rights replaced when it is edited, so replaying gives the same row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, Column, Connection, Integer, MetaData, String, Table, select

from domain.profile import Profile, ProfileKind
from projections.batch import RowBatch
from projections.engine import Projection, handles

metadata = MetaData()

profiles = Table(
    "profiles",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("name", String(60), nullable=False),
    Column("permissions", JSON, nullable=False),
    Column("inactivity_minutes", Integer, nullable=False),
    Column("sees_all_students", Boolean, nullable=False),
    Column("copied_from", String(36)),
    sqlite_with_rowid=False,
)

_KIND_ORDER = {kind: index for index, kind in enumerate(ProfileKind)}


@dataclass(frozen=True)
class ProfileItem:
    id: UUID
    kind: ProfileKind
    name: str
    permissions: list[str]
    inactivity_minutes: int
    sees_all_students: bool
    copied_from: UUID | None


class Profiles(Projection):
    """Every profile and group of the base with its rights."""

    name = "profiles"
    metadata = metadata

    @handles(Profile.Created)
    def _created(self, batch: RowBatch, e: Profile.Created) -> None:
        batch.upsert(
            profiles,
            {
                "id": str(e.originator_id),
                "kind": e.kind,
                "name": e.name,
                "permissions": sorted(e.permissions),
                "inactivity_minutes": e.inactivity_minutes,
                "sees_all_students": e.sees_all_students,
                "copied_from": str(e.copied_from) if e.copied_from is not None else None,
            },
        )

    @handles(Profile.Edited)
    def _edited(self, batch: RowBatch, e: Profile.Edited) -> None:
        values = {
            "permissions": sorted(e.permissions),
            "inactivity_minutes": e.inactivity_minutes,
            "sees_all_students": e.sees_all_students,
        }
        batch.update(profiles, {"id": str(e.originator_id)}, values)

    # -- queries ----------------------------------------------------------------------------------

    @staticmethod
    def list_profiles(connection: Connection) -> list[ProfileItem]:
        """Groups, then school-life profiles, then teacher profiles, each by name."""
        items = [_profile(r) for r in connection.execute(select(profiles)).mappings()]
        return sorted(items, key=lambda item: (_KIND_ORDER[item.kind], item.name.casefold(), str(item.id)))

    @staticmethod
    def get_profile(connection: Connection, profile_id: UUID) -> ProfileItem | None:
        row = connection.execute(select(profiles).where(profiles.c.id == str(profile_id))).mappings().first()
        return None if row is None else _profile(row)


def _profile(r: Any) -> ProfileItem:
    return ProfileItem(
        id=UUID(r["id"]),
        kind=ProfileKind(r["kind"]),
        name=r["name"],
        permissions=list(r["permissions"]),
        inactivity_minutes=r["inactivity_minutes"],
        sees_all_students=bool(r["sees_all_students"]),
        copied_from=UUID(r["copied_from"]) if r["copied_from"] is not None else None,
    )
