from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0005_copy_placements")]

    operations = [
        migrations.RemoveField(model_name="person", name="level"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["organization", "job_family", "level_uid"],
                name="people_pers_organiz_7bd08a_idx",
            ),
        ),
    ]
