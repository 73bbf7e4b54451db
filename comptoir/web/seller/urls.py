"""Seller pages: "Sell on Comptoir" and its wizard (/sell/…), the seller centre (/seller/…)."""
from django.urls import path

from . import onboarding, statement, views, webhooks

app_name = "seller"
urlpatterns = [
    path("sell/", onboarding.sell_landing, name="sell"),
    path("sell/apply/done/", onboarding.sell_done, name="apply_done"),
    path("sell/apply/<slug:step>/", onboarding.sell_apply, name="apply"),
    path("sell/cities/", onboarding.city_options, name="city_options"),
    path("seller/", views.dashboard, name="dashboard"),
    path("seller/switch/<int:seller_id>/", views.switch, name="switch"),
    path("seller/api-keys/", views.api_keys, name="api_keys"),
    path("seller/api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("seller/team/", views.team, name="team"),
    path("seller/team/<int:member_id>/remove/", views.team_remove, name="team_remove"),
    path("seller/team/invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("seller/invitations/<str:token>/", views.invitation, name="invitation"),
    path("seller/bank/", views.bank, name="bank"),
    path("seller/statement/", statement.statement, name="statement"),
    path("seller/statement.csv", statement.statement_csv, name="statement_csv"),
    path("seller/webhooks/", webhooks.webhooks, name="webhooks"),
    path("seller/webhooks/<int:endpoint_id>/remove/", webhooks.endpoint_disable, name="webhook_remove"),
    path("seller/webhooks/deliveries/<int:delivery_id>/resend/", webhooks.delivery_resend, name="webhook_resend"),
    path("seller/settings/", views.seller_settings, name="settings"),
]
