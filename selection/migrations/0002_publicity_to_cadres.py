"""The selection's 任前公示 moves to the one publicity mechanism (cadres.Publicity): a
selection with a publicity period posts one row per cleared (or appointed) candidate, with
the period, the place and the notice text; 0003 then removes the old fields."""

from django.db import migrations

SOURCE = "selection.selection"


def _working_days(start, end):
    from cadres.rules import china_is_workday, working_days_inclusive

    return working_days_inclusive(start, end, china_is_workday)


def _line(candidate):
    c = candidate.cadre
    gender = {"M": "男", "F": "女"}.get(c.gender, "")
    return "，".join(p for p in (c.name, gender, f"拟任{candidate.post.title}" if candidate.post_id else "") if p)


def _skip_report_notice_ids(schema_editor):
    """reports/0004 copies the report notices into cadres.Publicity keeping their ids; when
    this runs first, new ids start above them (no dependency on reports: read by name)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('reports_publicitynotice') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cadres_publicity', 'id'), "
            "GREATEST((SELECT COALESCE(MAX(id), 0) FROM reports_publicitynotice), "
            "(SELECT COALESCE(MAX(id), 0) FROM cadres_publicity), 1))"
        )


def selections_to_publicity(apps, schema_editor):
    _skip_report_notice_ids(schema_editor)
    Selection = apps.get_model("selection", "Selection")
    Candidate = apps.get_model("selection", "Candidate")
    Publicity = apps.get_model("cadres", "Publicity")
    for s in Selection.objects.filter(publicity_start__isnull=False).order_by("id"):
        end = s.publicity_end or s.publicity_start
        people = list(
            Candidate.objects.filter(selection_id=s.id, status__in=["cleared", "appointed"])
            .select_related("cadre", "post")
            .order_by("id")
        )
        text = (
            "干部任前公示\n\n根据《党政领导干部选拔任用工作条例》，现将拟任职干部予以公示：\n"
            + "\n".join(f"{i}. {_line(c)}" for i, c in enumerate(people, 1))
            + f"\n\n公示期：{s.publicity_start:%Y年%m月%d日}至{end:%Y年%m月%d日}。"
            f"公示方式或地点：{s.publicity_location}。"
            "公示期间，对公示对象有何情况和问题，可通过来信、来电、来访等方式向组织部门反映。"
        )
        for c in people:
            Publicity.objects.create(
                kind="appointment",
                cadre_id=c.cadre_id,
                subject=c.post.title if c.post_id else "",
                source_type=SOURCE,
                source_id=s.id,
                start_date=s.publicity_start,
                end_date=end,
                working_days=_working_days(s.publicity_start, end),
                location=s.publicity_location or "（未记录）",
                notice_text=text,
                posted_by_id=s.created_by_id,
            )


def publicity_to_selections(apps, schema_editor):
    Selection = apps.get_model("selection", "Selection")
    Publicity = apps.get_model("cadres", "Publicity")
    rows = Publicity.objects.filter(kind="appointment", source_type=SOURCE)
    for p in rows.order_by("id"):
        Selection.objects.filter(pk=p.source_id).update(
            publicity_start=p.start_date, publicity_end=p.end_date, publicity_location=p.location
        )
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0001_initial"),
        ("cadres", "0013_publicity"),
    ]

    operations = [migrations.RunPython(selections_to_publicity, publicity_to_selections)]
