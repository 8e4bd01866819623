"""Data: 推荐人/考察人 names into links to cadres and users."""

from django.conf import settings
from django.db import migrations


def people_from_names(apps, schema_editor):
    """推荐人/考察人 free text → the cadre or user of that name where the name is unique;
    anything else stays as text, now meaning an outside body."""
    from collections import Counter

    Cadre = apps.get_model("cadres", "Cadre")
    Appointment = apps.get_model("cadres", "Appointment")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    cadre_names = Counter(Cadre.objects.values_list("name", flat=True))
    cadre_by_name = {n: pk for pk, n in Cadre.objects.values_list("id", "name") if cadre_names[n] == 1}
    user_keys: Counter = Counter()
    users: dict[str, int] = {}
    for pk, username, first, last in User.objects.values_list("id", "username", "first_name", "last_name"):
        for key in {username, f"{last}{first}", f"{first}{last}"} - {""}:
            user_keys[key] += 1
            users[key] = pk
    user_by_name = {k: v for k, v in users.items() if user_keys[k] == 1}
    changed = []
    for appt in Appointment.objects.exclude(recommended_by="", reviewed_by=""):
        for text_field, prefix in (("recommended_by", "recommender"), ("reviewed_by", "reviewer")):
            name = getattr(appt, text_field).strip()
            if not name:
                continue
            if name in cadre_by_name and cadre_by_name[name] != appt.cadre_id:
                setattr(appt, f"{prefix}_cadre_id", cadre_by_name[name])
                setattr(appt, text_field, "")
            elif name not in cadre_names and name in user_by_name:
                setattr(appt, f"{prefix}_user_id", user_by_name[name])
                setattr(appt, text_field, "")
        changed.append(appt)
    Appointment.objects.bulk_update(
        changed,
        ["recommender_cadre", "recommender_user", "recommended_by", "reviewer_cadre", "reviewer_user", "reviewed_by"],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("cadres", "0006_dossier"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [migrations.RunPython(people_from_names, migrations.RunPython.noop)]
