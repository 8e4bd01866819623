"""The 报告表公示 moves to the one publicity mechanism (cadres.Publicity): every notice and its
feedback is copied, ids of the notices kept (so /reports/notices/<id>/ still finds them).
0005 then removes the old tables."""

from django.db import migrations

SOURCE = "reports.verification"


def _working_days(start, end):
    from cadres.rules import china_is_workday, working_days_inclusive

    return working_days_inclusive(start, end, china_is_workday)


def _text(name, post, start, end, location):
    who = f"{name}（{post}）" if post else name
    return (
        "拟提拔人选个人有关事项报告表公示\n\n现将下列拟提拔人选的个人有关事项报告表予以公示：\n"
        f"1. {who}\n\n公示期：{start:%Y年%m月%d日}至{end:%Y年%m月%d日}。公示地点：{location}。"
        "公示期间，对报告表所列事项有不同意见的，可向组织部门反映。"
    )


def notices_to_publicity(apps, schema_editor):
    Notice = apps.get_model("reports", "PublicityNotice")
    Feedback = apps.get_model("reports", "PublicityFeedback")
    Publicity = apps.get_model("cadres", "Publicity")
    PublicityFeedback = apps.get_model("cadres", "PublicityFeedback")
    for n in Notice.objects.select_related("verification__report__cadre").order_by("id"):
        v = n.verification
        Publicity.objects.create(
            id=n.id,
            kind="report",
            cadre_id=v.report.cadre_id,
            subject=v.proposed_post,
            source_type=SOURCE,
            source_id=v.id,
            start_date=n.start_date,
            end_date=n.end_date,
            working_days=_working_days(n.start_date, n.end_date),
            location=n.location,
            notice_text=_text(v.report.cadre.name, v.proposed_post, n.start_date, n.end_date, n.location),
            posted_by_id=n.posted_by_id,
        )
        Publicity.objects.filter(id=n.id).update(created_at=n.created_at)
        for f in Feedback.objects.filter(notice_id=n.id).order_by("id"):
            PublicityFeedback.objects.create(
                publicity_id=n.id,
                received_on=f.received_on,
                channel=f.channel,
                content=f.content,
                status="handled" if f.handled else "open",
                handling=f.handling,
                handled_by_id=f.handled_by_id,
                handled_at=f.handled_at,
            )
    _reset_sequence(schema_editor, Publicity)


def publicity_to_notices(apps, schema_editor):
    Notice = apps.get_model("reports", "PublicityNotice")
    Feedback = apps.get_model("reports", "PublicityFeedback")
    Publicity = apps.get_model("cadres", "Publicity")
    PublicityFeedback = apps.get_model("cadres", "PublicityFeedback")
    rows = Publicity.objects.filter(kind="report", source_type=SOURCE).order_by("id")
    for p in rows:
        Notice.objects.create(
            id=p.id,
            verification_id=p.source_id,
            start_date=p.start_date,
            end_date=p.end_date,
            location=p.location,
            posted_by_id=p.posted_by_id,
        )
        for f in PublicityFeedback.objects.filter(publicity_id=p.id).order_by("id"):
            Feedback.objects.create(
                notice_id=p.id,
                received_on=f.received_on,
                channel=f.channel,
                content=f.content,
                handled=f.status == "handled",
                handling=f.handling,
                handled_by_id=f.handled_by_id,
                handled_at=f.handled_at,
            )
    rows.delete()
    _reset_sequence(schema_editor, Notice)


def _reset_sequence(schema_editor, model):
    table = model._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
            f"FROM {table}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_targeted_check_source"),
        ("cadres", "0013_publicity"),
    ]

    operations = [migrations.RunPython(notices_to_publicity, publicity_to_notices)]
