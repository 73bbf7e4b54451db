"""Operator pages: /operator/planner/ and /operator/analytics/ (staff only)."""
from django.urls import path

from . import views

app_name = "operator"
urlpatterns = [
    path("planner/", views.planner, name="planner"),
    path("planner/candidates/", views.candidate_add, name="candidate_add"),
    path("planner/<int:run_id>.csv", views.planner_csv, name="planner_csv"),
    path("planner/<int:run_id>/map.png", views.planner_map, name="planner_map"),
    path("analytics/", views.analytics, name="analytics"),
]
