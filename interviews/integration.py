"""What the interviews app contributes to the daily sweep's writes. Registered from
InterviewsConfig.ready(); the reminder sources themselves (selectors) only read."""

from __future__ import annotations

import datetime as dt

from .services import PlanResult, plan_refresh


def plan_refresh_step(today: dt.date) -> PlanResult:
    """Keep the plan current before the reminders are computed: a new year's plan on
    1 January, responsible persons after assignment changes."""
    return plan_refresh(year=today.year, today=today)
