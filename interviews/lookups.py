"""Picker sets of the interviews app (`cadre_supervision.lookup`)."""

from __future__ import annotations

from django.db.models import Q

from cadre_supervision import lookup


def interviewers(qs, user):
    """Who may be named as an interviewer: the caller and anyone with an active assignment
    (any signed-in account may read this list: it is the list the record form offers)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    ids = qs.filter(Q(pk=user.pk) | Q(interview_assignments__is_active=True)).values("pk")
    return qs.filter(pk__in=ids, is_active=True)


def register() -> None:
    lookup.register_set("users", "interviewers", interviewers, own_scope=True)
    register_interviewees()


def register_interviewees() -> None:
    from cadres.lookups import cadre_label, cadre_search_q
    from cadres.models import Cadre

    from .selectors import selectable_cadres

    lookup.register_source(
        lookup.Source(
            name="interviewees",
            model=Cadre,
            # a supervisor picks the cadres of their assignments and tasks, not only by grant
            base=lambda user, action: selectable_cadres(user).select_related("organization"),
            search=lambda qs, text, user: qs.filter(cadre_search_q(text, user)),
            label=cadre_label,
            order=("organization__path", "name", "id"),
            org_path="organization",
        )
    )
