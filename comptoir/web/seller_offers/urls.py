"""/seller/offers/… (members of a seller) — mounted from comptoir/web/urls.py."""
from django.urls import path

from . import create, imports, views

app_name = "seller_offers"
urlpatterns = [
    path("", views.offer_list, name="list"),
    path("bulk/", views.offers_bulk, name="bulk"),
    path("new/", create.offer_new, name="new"),
    path("proposals/", create.proposal_list, name="proposals"),
    path("import/", imports.import_page, name="import"),
    path("import/template.csv", imports.import_template, name="import_template"),
    path("import/<int:import_id>/", imports.import_detail, name="import_detail"),
    path("import/<int:import_id>/report.csv", imports.import_report, name="import_report"),
    path("<int:offer_id>/", views.offer_edit, name="edit"),
    path("<int:offer_id>/pause/", views.offer_active, {"action": "pause"}, name="pause"),
    path("<int:offer_id>/resume/", views.offer_active, {"action": "resume"}, name="resume"),
]
