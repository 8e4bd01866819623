"""Seed the problem categories (问题类别): data, editable in the admin."""

from django.db import migrations


def seed(apps, schema_editor):
    from petitions.migrations_data import CATEGORIES

    ProblemCategory = apps.get_model("petitions", "ProblemCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        ProblemCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
