"""/operator/proposals/… (staff) — mounted from comptoir/web/urls.py."""
from django.urls import path

from . import operator

app_name = "proposals"
urlpatterns = [
    path("", operator.proposal_queue, name="queue"),
    path("<int:proposal_id>/", operator.proposal_review, name="review"),
    path("<int:proposal_id>/approve/", operator.proposal_accept, name="approve"),
]
