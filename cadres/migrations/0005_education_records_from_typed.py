"""Data: the typed 最高学历/学位 into education records (before the typed fields go)."""

from django.db import migrations


def education_into_records(apps, schema_editor):
    """The typed 最高学历/学位 becomes a full-time education record where no record of that
    level exists (学历 is derived from the records from now on)."""
    Cadre = apps.get_model("cadres", "Cadre")
    EducationRecord = apps.get_model("cadres", "EducationRecord")
    have = set(EducationRecord.objects.values_list("cadre_id", "level"))
    rows = [
        EducationRecord(
            cadre_id=pk, level=level, degree=degree or "", full_time=True, school="（原记载未注明院校）"
        )
        for pk, level, degree in Cadre.objects.exclude(education="").values_list("id", "education", "degree")
        if (pk, level) not in have
    ]
    EducationRecord.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("cadres", "0004_remask_citizen_ids")]

    operations = [migrations.RunPython(education_into_records, migrations.RunPython.noop)]
