"""The directory's tables (SQLAlchemy Core): one row per person, class, group, service, link."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table

metadata = MetaData()

# Byte order on every backend: the key is already folded, and a locale's collation would skip the
# separator between last and first name ("Dupont Zoé" after "Duponte Anne").
SORT_KEY = String(210).with_variant(String(210, collation="C"), "postgresql")

# Every table is keyed by text ids: WITHOUT ROWID stores each row once, in its key's b-tree, instead of
# a rowid table plus a key index (a third less to write in a rebuild).

classes = Table(
    "directory_classes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("label", String(100), nullable=False),
    Column("level", String(20)),
    sqlite_with_rowid=False,
)

students = Table(
    "directory_students",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("ine", String(11), unique=True),
    Column("last_name", String(100), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("sex", String(1)),
    Column("class_code", String(20), index=True),
    Column("sort_key", SORT_KEY, nullable=False, index=True),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    Column("left_on", Date),
    sqlite_with_rowid=False,
)

class_history = Table(
    "directory_class_history",
    metadata,
    Column("student_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("class_code", String(20), nullable=False),
    Column("since", DateTime(timezone=True), nullable=False),
    sqlite_with_rowid=False,
)

guardians = Table(
    "directory_guardians",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("civility", String(4)),
    Column("last_name", String(100), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("email", String(254)),
    Column("phone", String(25)),
    Column("address", String(300)),
    Column("sort_key", SORT_KEY, nullable=False, index=True),
    sqlite_with_rowid=False,
)

guardian_links = Table(
    "directory_guardian_links",
    metadata,
    Column("guardian_id", String(36), primary_key=True),
    Column("student_id", String(36), primary_key=True, index=True),
    Column("relationship", String(20), nullable=False),
    Column("legal", Boolean, nullable=False),
    Column("priority", Boolean, nullable=False),
    sqlite_with_rowid=False,
)

teachers = Table(
    "directory_teachers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("civility", String(4)),
    Column("last_name", String(100), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("email", String(254)),
    Column("disciplines", JSON, nullable=False),
    Column("principal_of", JSON, nullable=False),
    Column("sort_key", SORT_KEY, nullable=False, index=True),
    sqlite_with_rowid=False,
)

staff = Table(
    "directory_staff",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("civility", String(4)),
    Column("last_name", String(100), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("function", String(20), nullable=False),
    Column("email", String(254)),
    Column("sort_key", SORT_KEY, nullable=False, index=True),
    sqlite_with_rowid=False,
)


student_groups = Table(
    "directory_student_groups",
    metadata,
    Column("student_id", String(36), primary_key=True),
    Column("group_code", String(20), primary_key=True, index=True),
    sqlite_with_rowid=False,
)

# Régime and exit authorisation: a row only for students who are not external / who may leave.
meal_plans = Table(
    "directory_meal_plans",
    metadata,
    Column("student_id", String(36), primary_key=True),
    Column("meal_plan", String(12), nullable=False),
    sqlite_with_rowid=False,
)

exit_authorisations = Table(
    "directory_exit_authorisations",
    metadata,
    Column("student_id", String(36), primary_key=True),
    sqlite_with_rowid=False,
)

groups = Table(
    "directory_groups",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("label", String(100)),
    Column("class_codes", JSON, nullable=False),
    sqlite_with_rowid=False,
)

services = Table(
    "directory_services",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_code", String(20), nullable=False),
    Column("subject_label", String(100)),
    Column("course_mode", String(10), nullable=False),
    Column("class_code", String(20)),
    Column("group_code", String(20)),
    Column("teacher_ids", JSON, nullable=False),
    sqlite_with_rowid=False,
)

# Who other systems' ids point to (SIECLE ELEVE_ID/PERSONNE_ID, STS INDIVIDU@ID): how imports match.
external_ids = Table(
    "directory_external_ids",
    metadata,
    Column("system", String(20), primary_key=True),
    Column("external_id", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("aggregate_id", String(36), nullable=False, index=True),
    sqlite_with_rowid=False,
)

# The students each support assistant (AESH) accompanies.
assignments = Table(
    "directory_assignments",
    metadata,
    Column("staff_id", String(36), primary_key=True),
    Column("student_id", String(36), primary_key=True, index=True),
    sqlite_with_rowid=False,
)

# Who has an account: one row per person (student, guardian, teacher, staff member) with a login.
accounts = Table(
    "directory_accounts",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("person_kind", String(20), nullable=False),
    Column("account_id", String(36), nullable=False, unique=True),
    Column("login", String(64), nullable=False, unique=True),
    sqlite_with_rowid=False,
)

# Whether each account still has a provisional password (never connected since it was issued).
account_states = Table(
    "directory_account_states",
    metadata,
    Column("account_id", String(36), primary_key=True),
    Column("must_change_password", Boolean, nullable=False),
    sqlite_with_rowid=False,
)
