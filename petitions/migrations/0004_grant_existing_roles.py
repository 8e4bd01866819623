"""Existing role groups get the new petition permissions on the units they already cover:
discipline groups view and handle petitions, organization-staff groups handle the 12380
petitions (new groups get them from `permissions.ROLES` when granted)."""

from django.db import migrations

NEW = {"discipline": ("view_petitions", "manage_petitions"), "org_staff": ("handle_12380",)}
LABELS = {
    "view_petitions": "查看信访举报",
    "manage_petitions": "受理办理信访举报",
    "handle_12380": "受理办理12380选人用人举报",
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    GroupPerm = apps.get_model("cadres", "OrganizationGroupObjectPermission")
    ct, _ = ContentType.objects.get_or_create(app_label="cadres", model="organization")
    perms = {
        code: Permission.objects.get_or_create(content_type=ct, codename=code, defaults={"name": label})[0]
        for code, label in LABELS.items()
    }
    view_cadres = Permission.objects.filter(content_type=ct, codename="view_cadres").first()
    if view_cadres is None:
        return
    rows = []
    for role, codes in NEW.items():
        for group in Group.objects.filter(name__startswith=f"{role}:"):
            orgs = GroupPerm.objects.filter(group=group, permission=view_cadres).values_list(
                "content_object_id", flat=True
            )
            for org_id in orgs:
                for code in codes:
                    exists = GroupPerm.objects.filter(
                        group=group, permission=perms[code], content_object_id=org_id
                    ).exists()
                    if not exists:
                        rows.append(GroupPerm(group=group, permission=perms[code], content_object_id=org_id))
    GroupPerm.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0003_attachments"),
        ("cadres", "0008_petition_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
