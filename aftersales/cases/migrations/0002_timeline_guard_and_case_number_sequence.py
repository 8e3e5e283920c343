"""The timeline is insert-only in the database itself, and case numbers come from a sequence
on PostgreSQL. SQLite refuses UPDATE by trigger (its DELETE is refused by the model: Django's
test flush on SQLite deletes rows, where PostgreSQL's truncates)."""

from django.db import migrations

PG_FORWARD = """
CREATE SEQUENCE IF NOT EXISTS cases_case_number_seq;
CREATE OR REPLACE FUNCTION cases_timeline_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'timeline entries are append-only: % refused on entry %', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_timeline_append_only
    BEFORE UPDATE OR DELETE ON cases_timelineentry
    FOR EACH ROW EXECUTE FUNCTION cases_timeline_refuse_change();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS cases_timeline_append_only ON cases_timelineentry;
DROP FUNCTION IF EXISTS cases_timeline_refuse_change();
DROP SEQUENCE IF EXISTS cases_case_number_seq;
"""
SQLITE_FORWARD = """
CREATE TRIGGER cases_timeline_no_update BEFORE UPDATE ON cases_timelineentry
BEGIN
    SELECT RAISE(ABORT, 'timeline entries are append-only: UPDATE refused');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS cases_timeline_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
