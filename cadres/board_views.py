"""Pages of the early-warning board (预警): per cadre (risk score) and per signal, one filter
form (unit, source, level, name), header sorting, paging and .xlsx export through the tables."""

from __future__ import annotations

from django import forms

from cadre_supervision import registry
from cadre_supervision.views import ComputedListView
from cadre_supervision.widgets import LookupChoiceField, bind_lookups

from . import board
from .board_tables import CadreRiskTable, SignalTable


class BoardFilterForm(forms.Form):
    organization = LookupChoiceField(label="单位（含下级）", source="organizations", required=False)
    source = forms.ChoiceField(label="预警类型", required=False, choices=[])
    level = forms.ChoiceField(label="等级", required=False, choices=[("", "全部")] + board.LEVEL_CHOICES)
    q = forms.CharField(label="姓名", required=False, max_length=40)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)
        self.fields["organization"].widget.empty_label = "全部"
        self.fields["source"].choices = [("", "全部")] + [(s.key, s.title) for s in registry.warning_sources]


def filtered_signals(user, data: dict) -> list[board.Signal]:
    """The board's signals narrowed by a valid filter form's cleaned data."""
    signals = board.signals_for(
        user,
        sources=[data["source"]] if data.get("source") else None,
        levels=[data["level"]] if data.get("level") else None,
        organization=data.get("organization") or None,
    )
    q = (data.get("q") or "").strip()
    if q:
        signals = [s for s in signals if q in s.cadre_name]
    return signals


class BoardMixin:
    filter_form_class = BoardFilterForm

    def get_filter_form_kwargs(self):
        return {**super().get_filter_form_kwargs(), "user": self.request.user}

    def signals(self) -> list[board.Signal]:
        if not hasattr(self, "_signals"):
            self._signals = (
                [] if self.filters_invalid() else filtered_signals(self.request.user, self.filters())
            )
        return self._signals

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        signals = self.signals()
        ctx.update(
            counts=board.level_counts(signals),
            cadre_count=len({s.cadre_id for s in signals}),
            signal_count=len(signals),
            tab=self.tab,
            levels=board.LEVEL_CHOICES,
        )
        return ctx


class BoardView(BoardMixin, ComputedListView):
    """预警看板: cadres by risk score, each with the signals that make it up."""

    template_name = "warnings/board.html"
    table_class = CadreRiskTable
    export_filename = "预警看板（按干部）.xlsx"
    export_object_type = "warnings.board"
    tab = "cadres"

    def get_rows(self):
        return board.group_by_cadre(self.signals())


class SignalListView(BoardMixin, ComputedListView):
    """预警明细: every open signal, its colour, weight and evidence."""

    template_name = "warnings/board.html"
    table_class = SignalTable
    export_filename = "预警明细.xlsx"
    export_object_type = "warnings.signals"
    tab = "signals"

    def get_rows(self):
        return self.signals()
