"""What a typical Django team writes for the cadre list, measured beside ours on the same data.

Per-row django-guardian grants (one `view_cadre` row per cadre in the generic
`guardian_userobjectpermission` table, object_pk as text), the list filtered by
`get_objects_for_user` exactly as djangorestframework-guardian's `ObjectPermissionsFilter` does,
a DRF `ModelSerializer` with page-number pagination, and a plain `ListView` page. Bench only:
the URLs live in `cadres.benchkit.urls`, used by the bench through `override_settings`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template import engines
from django.views.generic import ListView
from guardian.models import UserObjectPermission
from guardian.shortcuts import get_objects_for_user
from rest_framework import filters, generics, pagination, serializers

from cadres.models import Cadre

TYPICAL_USERNAME = "bench_typical"
PERM = "cadres.view_cadre"


def ensure_typical_grants(source_user) -> tuple[object, int]:
    """The throwaway user holding one per-row grant for every cadre `source_user` may see."""
    from django.contrib.auth.models import Permission

    User = get_user_model()
    user, _ = User.objects.get_or_create(username=TYPICAL_USERNAME, defaults={"first_name": "基准对照"})
    ct = ContentType.objects.get_for_model(Cadre)
    perm = Permission.objects.get(content_type=ct, codename="view_cadre")
    existing = UserObjectPermission.objects.filter(user=user, permission=perm).count()
    wanted = Cadre.objects.restrict(source_user, "view").count()
    if existing != wanted:
        with transaction.atomic():
            UserObjectPermission.objects.filter(user=user, permission=perm).delete()
            rows = (
                UserObjectPermission(user=user, permission=perm, content_type=ct, object_pk=str(pk))
                for pk in Cadre.objects.restrict(source_user, "view").values_list("pk", flat=True).iterator()
            )
            UserObjectPermission.objects.bulk_create(rows, batch_size=5000)
    return user, wanted


class ObjectPermissionsFilter(filters.BaseFilterBackend):
    """djangorestframework-guardian's filter, as published: `get_objects_for_user` with the
    model's view permission and global permissions not accepted."""

    perm_format = "%(app_label)s.view_%(model_name)s"

    def filter_queryset(self, request, queryset, view):
        kwargs = {"app_label": queryset.model._meta.app_label, "model_name": queryset.model._meta.model_name}
        return get_objects_for_user(
            request.user, self.perm_format % kwargs, queryset, accept_global_perms=False
        )


class TypicalCadreSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Cadre
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "organization",
            "organization_name",
            "rank",
            "management_level",
            "status",
        ]


class TypicalPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class TypicalCadreListAPI(generics.ListAPIView):
    queryset = Cadre.objects.select_related("organization").order_by("id")
    serializer_class = TypicalCadreSerializer
    filter_backends = [ObjectPermissionsFilter]
    pagination_class = TypicalPagination


_PAGE = engines["django"].from_string(
    """<!doctype html><html><body><h1>干部名单</h1><table>
<tr><th>姓名</th><th>单位</th><th>职级</th><th>状态</th></tr>
{% for c in object_list %}<tr><td>{{ c.name }}</td><td>{{ c.organization.name }}</td>
<td>{{ c.get_rank_display }}</td><td>{{ c.get_status_display }}</td></tr>{% endfor %}
</table>{% if page_obj.has_next %}<a href="?page={{ page_obj.next_page_number }}">下一页</a>{% endif %}
共 {{ paginator.count }} 人</body></html>"""
)


class TypicalCadreListPage(LoginRequiredMixin, ListView):
    paginate_by = 50

    def get_queryset(self):
        qs = Cadre.objects.select_related("organization").order_by("id")
        return get_objects_for_user(self.request.user, PERM, qs, accept_global_perms=False)

    def render_to_response(self, context, **kwargs):
        from django.http import HttpResponse

        return HttpResponse(_PAGE.render(context, self.request))
