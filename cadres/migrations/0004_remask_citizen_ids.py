"""Re-mask stored citizen IDs: the earlier mask (first 6, last 4) hid only the birth date,
which is shown next to it. The new mask (first 2, last 1) is computed from the old one."""

from django.db import migrations


def remask(apps, schema_editor):
    Cadre = apps.get_model("cadres", "Cadre")
    for pk, masked in Cadre.objects.exclude(citizen_id_masked="").values_list("pk", "citizen_id_masked"):
        if len(masked) == 18 and masked[6:14] == "*" * 8:
            Cadre.objects.filter(pk=pk).update(citizen_id_masked=masked[:2] + "*" * 15 + masked[-1])


class Migration(migrations.Migration):
    dependencies = [("cadres", "0003_portfolio_area_seed")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
