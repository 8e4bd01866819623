from django.urls import path

from . import views

app_name = "rotations"
urlpatterns = [
    path("", views.DueListView.as_view(), name="due_list"),
    path("due/add-to-plan/", views.DueAddToPlanView.as_view(), name="due_add_to_plan"),
    path("avoidance/new/", views.AvoidanceCreateView.as_view(), name="avoidance_create"),
    path("exchanges/", views.ExchangeListView.as_view(), name="exchange_list"),
    path("exchanges/new/", views.ExchangeCreateView.as_view(), name="exchange_create"),
    path("exchanges/<int:pk>/", views.ExchangeDetailView.as_view(), name="exchange_detail"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/items/", views.PlanItemAddView.as_view(), name="plan_item_add"),
    path("plan-items/<int:pk>/status/", views.PlanItemStatusView.as_view(), name="plan_item_status"),
    path("secondline/", views.SecondLineRosterView.as_view(), name="secondline_roster"),
    path("secondline/utilisation/", views.UtilisationView.as_view(), name="secondline_utilisation"),
    path("secondline/move/", views.SecondLineMoveView.as_view(), name="secondline_move"),
    path("secondline/board/", views.BoardView.as_view(), name="secondline_board"),
    path("secondline/openings/new/", views.OpeningCreateView.as_view(), name="opening_create"),
    path("secondline/openings/<int:pk>/close/", views.OpeningCloseView.as_view(), name="opening_close"),
    path("secondline/leave/", views.LeaveListView.as_view(), name="leave_list"),
    path("secondline/<int:pk>/", views.SecondLineDetailView.as_view(), name="secondline_detail"),
    path(
        "secondline/<int:pk>/preferences/",
        views.SecondLinePreferenceView.as_view(),
        name="secondline_preferences",
    ),
    path(
        "secondline/<int:pk>/assignments/", views.AssignmentProposeView.as_view(), name="assignment_propose"
    ),
    path("secondline/<int:pk>/leave/", views.LeaveCreateView.as_view(), name="leave_create"),
    path("secondline/<int:pk>/absences/", views.AbsenceCreateView.as_view(), name="absence_create"),
    path("secondline/<int:pk>/assessments/", views.AssessmentCreateView.as_view(), name="assessment_create"),
    path("secondline/<int:pk>/early-retirement/", views.EarlyRetireView.as_view(), name="early_retire"),
    path(
        "assignments/<int:pk>/<str:action>/", views.AssignmentActionView.as_view(), name="assignment_action"
    ),
    path("leave/<int:pk>/<str:action>/", views.LeaveActionView.as_view(), name="leave_action"),
]
