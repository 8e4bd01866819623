"""Load the 2017 item catalogue (8 family matters, 6 property matters) from its data file."""

from django.db import migrations


def forwards(apps, schema_editor):
    from reports import catalogue

    catalogue.load(apps.get_model("reports", "CatalogueVersion"), apps.get_model("reports", "ReportItem"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
