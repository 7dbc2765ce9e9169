"""The default definitions no longer repeat their labels (the form shows both side by
side). Only definitions still exactly as first written are rewritten."""

from django.db import migrations

OLD_TO_NEW = {
    "Not yet shown: there is no example of this in the period.":
        "There is no example of this in the period yet.",
    "Sometimes shown: there are examples, but not yet reliably.":
        "There are examples, but not reliably yet.",
    "Consistently shows this: meets what the level expects.":
        "Meets the level: does this reliably, without being asked.",
    "Shows it beyond the level: often goes further than the level expects.":
        "Often goes further than this level expects.",
    "A model for others: others learn this from them.":
        "Others learn this from them; sets the example in the team.",
}


def rewrite(apps, schema_editor):
    RatingScale = apps.get_model("reviews", "RatingScale")
    for scale in RatingScale.objects.all():
        points = [
            {**p, "definition": OLD_TO_NEW.get(p.get("definition"), p.get("definition"))}
            for p in scale.points
        ]
        if points != scale.points:
            scale.points = points
            scale.save(update_fields=["points"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_scales_and_locked_forms")]
    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
