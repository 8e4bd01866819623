"""Second-line assessments become the cadres' general annual assessments (年度考核).

Each rotations.SecondLineAssessment is copied into cadres.AnnualAssessment (year, grade,
评语 as 备注, who recorded it and when); `assessed_by` is `recorded_by` there, so nothing
second-line-only is left and the model is removed. Where the cadre already has that year's
general assessment, the general row stays (its 备注 is filled from the 评语 if empty).
No AssessmentRecorded is emitted: the talks those assessments raised exist already.
"""

from django.db import migrations

NOTES_MAX = 300


def _notes(text: str) -> str:
    text = (text or "").strip()
    return text if len(text) <= NOTES_MAX else text[: NOTES_MAX - 1] + "…"


def forwards(apps, schema_editor):
    Old = apps.get_model("rotations", "SecondLineAssessment")
    Annual = apps.get_model("cadres", "AnnualAssessment")
    existing = {(a.cadre_id, a.year): a for a in Annual.objects.filter(cadre__second_line__isnull=False)}
    for old in Old.objects.select_related("record").order_by("id"):
        key = (old.record.cadre_id, old.year)
        notes = _notes(old.notes)
        if key in existing:
            general = existing[key]
            if notes and not general.notes:
                general.notes = notes
                general.save(update_fields=["notes"])
            continue
        new = Annual.objects.create(
            cadre_id=old.record.cadre_id,
            year=old.year,
            grade=old.grade,
            notes=notes,
            recorded_by_id=old.assessed_by_id,
        )
        Annual.objects.filter(pk=new.pk).update(created_at=old.created_at)
        existing[key] = new


def backwards(apps, schema_editor):
    """Second-line cadres' assessments since their move are copied back (the general rows stay)."""
    Old = apps.get_model("rotations", "SecondLineAssessment")
    Annual = apps.get_model("cadres", "AnnualAssessment")
    Record = apps.get_model("rotations", "SecondLineRecord")
    for record in Record.objects.all():
        for a in Annual.objects.filter(cadre_id=record.cadre_id, year__gte=record.moved_on.year):
            if a.grade == "ungraded":
                continue
            Old.objects.get_or_create(
                record=record,
                year=a.year,
                defaults={"grade": a.grade, "notes": a.notes, "assessed_by_id": a.recorded_by_id},
            )


class Migration(migrations.Migration):

    dependencies = [
        ('rotations', '0001_initial'),
        ('cadres', '0006_dossier'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name='secondlineassessmentevent',
            name='pgh_obj',
        ),
        migrations.RemoveField(
            model_name='secondlineassessmentevent',
            name='assessed_by',
        ),
        migrations.RemoveField(
            model_name='secondlineassessmentevent',
            name='pgh_context',
        ),
        migrations.RemoveField(
            model_name='secondlineassessmentevent',
            name='record',
        ),
        migrations.DeleteModel(
            name='SecondLineAssessment',
        ),
        migrations.DeleteModel(
            name='SecondLineAssessmentEvent',
        ),
    ]
