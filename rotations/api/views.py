"""REST API: /api/v1/exchanges/, rotation-plans/, rotation-plan-items/, rotation-due/,
secondline-records/, secondline-assignments/, secondline-leave/, stats/rotations/.
Lists are restricted like the pages; writes go through the same services."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from cadre_supervision import params
from cadre_supervision.api import (
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    StatsView,
)
from cadre_supervision.permissions import get_scoped_or_404
from cadres.models import Cadre, Organization

from .. import selectors, services
from ..choices import DueRule, DueState, PlanItemStatus, Utilisation
from ..filters import (
    AssignmentFilter,
    ExchangeFilter,
    LeaveFilter,
    PlanItemFilter,
    RotationPlanFilter,
    SecondLineFilter,
)
from ..models import Assignment, Exchange, LeaveRequest, PlanItem, RotationPlan, SecondLineRecord
from . import serializers as s


def _visible(model, request, pk, action="view"):
    return get_scoped_or_404(model, request.user, action, pk=pk)


class ExchangeViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Exchange.objects.select_related(
        "cadre", "from_post", "to_post", "from_organization", "to_organization"
    )
    serializer_class = s.ExchangeSerializer
    filterset_class = ExchangeFilter

    def get_serializer_class(self):
        return s.ExchangeCreateSerializer if self.action == "create" else s.ExchangeSerializer

    def create(self, request, *args, **kwargs):
        ser = s.ExchangeCreateSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        cadre = _visible(Cadre, request, d.pop("cadre").pk)
        item = d.pop("plan_item", None)
        if item is not None:
            item = _visible(PlanItem, request, item.pk, "change")
        ex = services.exchange_record(user=request.user, cadre=cadre, plan_item=item, **d)
        return Response(s.ExchangeSerializer(ex).data, status=status.HTTP_201_CREATED)


class RotationPlanViewSet(ScopedModelViewSet):
    queryset = RotationPlan.objects.select_related("organization").annotate(
        n_planned=Count("items", filter=~Q(items__status=PlanItemStatus.CANCELLED)),
        n_done=Count("items", filter=Q(items__status=PlanItemStatus.DONE)),
    )
    serializer_class = s.RotationPlanSerializer
    filterset_class = RotationPlanFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.plan_create(
            user=self.request.user,
            organization=d["organization"],
            year=d["year"],
            title=d.get("title", ""),
            notes=d.get("notes", ""),
        )

    def perform_update(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.plan_update(
            user=self.request.user, plan=serializer.instance, title=d.get("title"), notes=d.get("notes")
        )


class PlanItemViewSet(ScopedModelViewSet):
    queryset = PlanItem.objects.select_related("cadre", "plan")
    serializer_class = s.PlanItemSerializer
    filterset_class = PlanItemFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        plan = _visible(RotationPlan, self.request, d.pop("plan").pk)
        cadre = d.pop("cadre")
        d.pop("status", None)
        serializer.instance = services.plan_item_add(user=self.request.user, plan=plan, cadre=cadre, **d)

    def perform_update(self, serializer):
        d = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in ("status", "planned_kind", "target_note", "notes")
        }
        serializer.instance = services.plan_item_update(user=self.request.user, item=serializer.instance, **d)


class SecondLineRecordViewSet(ScopedReadOnlyViewSet):
    queryset = selectors.secondline_with_roles(
        SecondLineRecord.objects.select_related("cadre", "cadre__organization")
    ).order_by("-id")
    serializer_class = s.SecondLineRecordSerializer
    filterset_class = SecondLineFilter


class AssignmentViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Assignment.objects.select_related("record__cadre").prefetch_related("mentees")
    serializer_class = s.SecondLineAssignmentSerializer
    filterset_class = AssignmentFilter

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        serializer.instance = services.assignment_propose(
            user=self.request.user,
            cadre=d.pop("cadre"),
            role=d.get("role", ""),
            organization=d.get("organization"),
            opening=d.get("opening"),
            description=d.get("description", ""),
            cadre_agreed=d.get("cadre_agreed", False),
            unit_agreed=d.get("unit_agreed", False),
            mentees=d.get("mentees", []),
        )

    def _done(self, obj):
        return Response(s.SecondLineAssignmentSerializer(obj).data)

    @extend_schema(request=None, responses=s.SecondLineAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._done(services.assignment_confirm(user=request.user, assignment=self.get_object()))

    @action(detail=True, methods=["post"])
    def agree(self, request, pk=None):
        return self._done(
            services.assignment_agree(
                user=request.user,
                assignment=self.get_object(),
                cadre_agreed=request.data.get("cadre_agreed"),
                unit_agreed=request.data.get("unit_agreed"),
            )
        )

    @extend_schema(request=None, responses=s.SecondLineAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._done(
            services.assignment_end(
                user=request.user, assignment=self.get_object(), end_date=timezone.localdate()
            )
        )


class LeaveRequestViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = LeaveRequest.objects.select_related("record__cadre__organization")
    serializer_class = s.LeaveRequestSerializer
    filterset_class = LeaveFilter

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        record = _visible(SecondLineRecord, self.request, d.pop("record").pk)
        serializer.instance = services.leave_request_create(user=self.request.user, record=record, **d)

    def _decide(self, request, approve):
        leave = self.get_object()
        ser = s.DecisionSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        obj = services.leave_decide(
            user=request.user,
            leave=leave,
            approve=approve,
            note=ser.validated_data.get("note", ""),
        )
        return Response(s.LeaveRequestSerializer(obj).data)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, False)

    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        leave = self.get_object()
        ser = s.ReturnSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        obj = services.leave_return(
            user=request.user, leave=leave, returned_on=ser.validated_data["returned_on"]
        )
        return Response(s.LeaveRequestSerializer(obj).data)


@extend_schema(responses=OpenApiTypes.OBJECT)
class DueListAPIView(APIView):
    """GET /api/v1/rotation-due/: the due list of the caller's scope (filters: rule, state, organization)."""

    def get(self, request):
        items = selectors.due_items(user=request.user)
        rule, state, org = (
            request.query_params.get("rule"),
            request.query_params.get("state"),
            request.query_params.get("organization"),
        )
        if rule:
            items = [i for i in items if any(f.rule == rule for f in i.findings)]
        if state:
            items = [i for i in items if i.state == state]
        if org:
            root = Organization.objects.filter(pk=org).first() if org.isdigit() else None
            items = [i for i in items if root is not None and i.organization.path.startswith(root.path)]
        # Paged like every list endpoint (`page_size` 1..500, default 50; `page` from 1).
        size = params.parse_int(
            request.query_params.get("page_size"),
            field="page_size",
            default=50,
            minimum=1,
            maximum=500,
            label="每页条数",
        )
        number = params.parse_int(
            request.query_params.get("page"), field="page", default=1, minimum=1, label="页码"
        )
        total = len(items)
        page = items[(number - 1) * size : number * size]
        return Response(
            {
                "count": total,
                "page": number,
                "page_size": size,
                "next": self._page_url(request, number + 1) if number * size < total else None,
                "previous": self._page_url(request, number - 1) if number > 1 else None,
                "results": [
                    {
                        "cadre": i.cadre.pk,
                        "cadre_name": i.cadre.name,
                        "organization": i.organization.pk,
                        "organization_name": i.organization.name,
                        "post": i.post.pk,
                        "post_title": i.post.title,
                        "run_start": i.run_start,
                        "years": i.years,
                        "terms": i.terms,
                        "rules": [f.rule for f in i.findings],
                        "mandatory_date": i.mandatory_date,
                        "state": i.state,
                        "plan_item": i.plan_item.pk if i.plan_item else None,
                    }
                    for i in page
                ],
            }
        )

    @staticmethod
    def _page_url(request, number: int) -> str:
        query = request.query_params.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@StatsView.describe(tag="统计", summary="轮岗交流与二线干部统计")
class RotationStatsView(StatsView):
    """GET /api/v1/stats/rotations/: aggregates only, over the caller's scope (organizations
    where they hold view_stats, view_rotations or view_secondline). A caller without any of
    these gets the empty aggregate."""

    scope_model = Exchange
    require_scope = False

    def compute(self, request, *, year):
        today = timezone.localdate()
        user = request.user
        january = dt.date(year, 1, 1)
        summaries = selectors.due_summaries(user=user, action="stats", dates=[today, january])
        summary = summaries[today]
        due = summary.items
        due_by_state = {str(k): 0 for k, _l in DueState.choices}
        due_by_rule = {str(k): 0 for k, _l in DueRule.choices}
        for i in due:
            due_by_state[i.state] += 1
            for rule in i.rules:
                due_by_rule[rule] += 1
        figures = selectors.exchange_figures(Exchange.objects.restrict(user, "stats"))
        rows = selectors.execution_by_org(user=user, year=year, action="stats", due=summaries[january].items)
        records = SecondLineRecord.objects.restrict(user, "stats")
        total = selectors.utilisation_total(records)
        return {
            "as_of": today,
            "due": {
                "total": len(due),
                "by_state": due_by_state,
                "by_rule": due_by_rule,
                "snapshot": summary.meta(),
            },
            "exchanges": {
                "by_kind_and_year": {
                    k["kind"]: dict(zip([str(y) for y in figures["years"]], k["by_year"], strict=True))
                    for k in figures["kinds"]
                },
                "total": figures["total"],
                "township_to_city_cadres": figures["township_to_city_cadres"],
                "township_secretaries_to_city_heads": figures["township_secretaries_to_city_heads"],
                "city_cadres_to_township_heads": figures["city_cadres_to_township_heads"],
            },
            "execution": {
                "year": year,
                "by_org_kind": selectors.execution_by_org_kind(rows),
                "snapshot": summaries[january].meta(),
            },
            "second_line": {
                "total": total["n"],
                "by_utilisation": {c: total["counts"].get(c, 0) for c, _l in Utilisation.choices},
                "utilisation_rate": total["rate"],
                "willing": total["willing"],
                "willing_rate": total["willing_rate"],
            },
        }
