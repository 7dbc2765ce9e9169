"""Every existing organization gets the default rating scale, and the database itself
refuses to change a submitted review form or its items (SQLite and PostgreSQL)."""

import copy
import secrets

from django.db import migrations

POINTS = [
    {"value": 1, "label": "Not yet shown",
     "definition": "Not yet shown: there is no example of this in the period."},
    {"value": 2, "label": "Sometimes shown",
     "definition": "Sometimes shown: there are examples, but not yet reliably."},
    {"value": 3, "label": "Consistently shows this",
     "definition": "Consistently shows this: meets what the level expects."},
    {"value": 4, "label": "Shows it beyond the level",
     "definition": "Shows it beyond the level: often goes further than the level expects."},
    {"value": 5, "label": "A model for others",
     "definition": "A model for others: others learn this from them."},
]
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def add_scales(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    RatingScale = apps.get_model("reviews", "RatingScale")
    have = set(RatingScale.objects.values_list("organization_id", flat=True))
    RatingScale.objects.bulk_create(
        [
            RatingScale(
                organization_id=pk,
                public_id="".join(secrets.choice(ALPHABET) for _ in range(12)),
                points=copy.deepcopy(POINTS),
                meets=3,
            )
            for pk in Organization.objects.values_list("pk", flat=True)
            if pk not in have
        ]
    )


SQLITE_UP = [
    """CREATE TRIGGER review_form_locked BEFORE UPDATE ON reviews_reviewform
    WHEN OLD.status = 'submitted' AND NEW.status = 'submitted'
    BEGIN SELECT RAISE(ABORT, 'a submitted review form cannot be changed'); END;""",
    """CREATE TRIGGER review_item_locked_update BEFORE UPDATE ON reviews_formitem
    WHEN (SELECT status FROM reviews_reviewform WHERE id = NEW.form_id) = 'submitted'
    BEGIN SELECT RAISE(ABORT, 'a submitted review form cannot be changed'); END;""",
    """CREATE TRIGGER review_item_locked_insert BEFORE INSERT ON reviews_formitem
    WHEN (SELECT status FROM reviews_reviewform WHERE id = NEW.form_id) = 'submitted'
    BEGIN SELECT RAISE(ABORT, 'a submitted review form cannot be changed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS review_form_locked;",
    "DROP TRIGGER IF EXISTS review_item_locked_update;",
    "DROP TRIGGER IF EXISTS review_item_locked_insert;",
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION review_form_locked() RETURNS trigger AS $$
    BEGIN
      IF OLD.status = 'submitted' AND NEW.status = 'submitted' THEN
        RAISE EXCEPTION 'a submitted review form cannot be changed';
      END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER review_form_locked BEFORE UPDATE ON reviews_reviewform
    FOR EACH ROW EXECUTE FUNCTION review_form_locked();""",
    """CREATE OR REPLACE FUNCTION review_item_locked() RETURNS trigger AS $$
    BEGIN
      IF (SELECT status FROM reviews_reviewform WHERE id = NEW.form_id) = 'submitted' THEN
        RAISE EXCEPTION 'a submitted review form cannot be changed';
      END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER review_item_locked BEFORE INSERT OR UPDATE ON reviews_formitem
    FOR EACH ROW EXECUTE FUNCTION review_item_locked();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS review_item_locked ON reviews_formitem;",
    "DROP FUNCTION IF EXISTS review_item_locked();",
    "DROP TRIGGER IF EXISTS review_form_locked ON reviews_reviewform;",
    "DROP FUNCTION IF EXISTS review_form_locked();",
]


def up(apps, schema_editor):
    for sql in PG_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP:
        schema_editor.execute(sql)


def down(apps, schema_editor):
    for sql in PG_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("organizations", "0002_audit_append_only"),
    ]
    operations = [
        migrations.RunPython(add_scales, migrations.RunPython.noop),
        migrations.RunPython(up, down),
    ]
