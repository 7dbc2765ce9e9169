"""Copy each person's level key into family + level uid, and date old history."""

from django.db import migrations


def place_by_uid(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    LevelChange = apps.get_model("people", "LevelChange")
    FrameworkVersion = apps.get_model("frameworks", "FrameworkVersion")
    people = Person.objects.filter(level__isnull=False).select_related("level__version")
    changed = []
    for person in people.iterator(chunk_size=500):
        person.level_uid = person.level.uid
        person.job_family_id = person.level.version.family_id
        changed.append(person)
    Person.objects.bulk_update(changed, ["level_uid", "job_family"], batch_size=500)
    # history written before: the family's latest version published by then
    published: dict[int, list[tuple]] = {}
    for v in FrameworkVersion.objects.filter(status="published").order_by("published_at"):
        published.setdefault(v.family_id, []).append((v.published_at, v.pk))
    history = []
    for change in LevelChange.objects.filter(version__isnull=True, job_family__isnull=False):
        earlier = [
            pk
            for at, pk in published.get(change.job_family_id, [])
            if at is not None and at <= change.created_at
        ]
        if earlier:
            change.version_id = earlier[-1]
            history.append(change)
    LevelChange.objects.bulk_update(history, ["version"], batch_size=500)


def place_by_key(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Level = apps.get_model("frameworks", "Level")
    FrameworkVersion = apps.get_model("frameworks", "FrameworkVersion")
    for person in Person.objects.exclude(level_uid="").exclude(job_family__isnull=True):
        versions = FrameworkVersion.objects.filter(family_id=person.job_family_id)
        version = (
            versions.filter(status="published").order_by("-number").first()
            or versions.filter(status="draft").first()
        )
        level = Level.objects.filter(version=version, uid=person.level_uid).first()
        if level is not None:
            Person.objects.filter(pk=person.pk).update(level=level)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_placement_by_uid")]

    operations = [migrations.RunPython(place_by_uid, place_by_key)]
