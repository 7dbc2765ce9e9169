"""A person's place becomes their family and their level's uid; level history records
the version each change was made under (0005 copies the data, 0006 drops the key; three
migrations so PostgreSQL never alters a table with pending trigger events)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0004_family_protects_versions"),
        ("people", "0003_person_erased_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="levelchange",
            name="version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="frameworks.frameworkversion",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="level_uid",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
    ]
