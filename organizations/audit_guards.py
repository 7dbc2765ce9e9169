"""The database refuses to change an audit entry (SQLite and PostgreSQL), with two
exceptions, both for erasure:

- pseudonymisation: an update that counts `pseudonymised` up and leaves when, what and
  which object as they were (the names in labels, changes and data may change);
- a deleted login: clearing `actor_id` alone (the key's SET_NULL).

Deletes are refused by the model and its queryset; an organization's deletion removes its
entries with plain SQL (`datarights`)."""

from __future__ import annotations

from collections.abc import Iterator

from organizations.db_guards import Trigger

TABLE = "organizations_auditentry"
MESSAGE = "the audit log is append-only"
REWRITTEN = ["actor_id", "actor_label", "target_label", "changes", "data", "pseudonymised"]

PG_SETUP = f"""
CREATE OR REPLACE FUNCTION clb_audit_entry_append_only() RETURNS trigger AS $$
BEGIN
  IF NEW.pseudonymised > OLD.pseudonymised
     AND (to_jsonb(NEW) - '{"' - '".join(REWRITTEN)}')
         IS NOT DISTINCT FROM (to_jsonb(OLD) - '{"' - '".join(REWRITTEN)}') THEN
    RETURN NEW;
  END IF;
  IF NEW.actor_id IS NULL
     AND (to_jsonb(NEW) - 'actor_id') IS NOT DISTINCT FROM (to_jsonb(OLD) - 'actor_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '{MESSAGE}';
END; $$ LANGUAGE plpgsql;
"""


def _columns() -> list[str]:
    from organizations.models import AuditEntry

    return [f.column for f in AuditEntry._meta.concrete_fields if f.column]


def triggers() -> Iterator[Trigger]:
    columns = _columns()
    fixed = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns if c not in REWRITTEN)
    only_actor = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns if c != "actor_id")
    allowed = (
        f"(NEW.pseudonymised > OLD.pseudonymised AND {fixed}) "
        f"OR (NEW.actor_id IS NULL AND {only_actor})"
    )
    yield Trigger(
        name="clb_audit_entry_append_only",
        table=TABLE,
        sqlite=f"CREATE TRIGGER clb_audit_entry_append_only BEFORE UPDATE ON {TABLE} "
        f"WHEN NOT ({allowed}) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        postgresql=f"CREATE TRIGGER clb_audit_entry_append_only BEFORE UPDATE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION clb_audit_entry_append_only()",
        postgresql_setup=PG_SETUP,
    )
