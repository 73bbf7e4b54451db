"""Operator pages: planner, analytics, seller applications, payouts, the order desk (staff only)."""
from django.urls import path

from . import orders, payouts, seller_review, views

app_name = "operator"
urlpatterns = [
    path("planner/", views.planner, name="planner"),
    path("planner/candidates/", views.candidate_add, name="candidate_add"),
    path("planner/<int:run_id>.csv", views.planner_csv, name="planner_csv"),
    path("planner/<int:run_id>/map.png", views.planner_map, name="planner_map"),
    path("analytics/", views.analytics, name="analytics"),
    path("sellers/", seller_review.review_queue, name="sellers"),
    path("payouts/", payouts.payouts, name="payouts"),
    path("payouts/run/", payouts.payouts_run, name="payouts_run"),
    path("payouts/<int:run_id>.xml", payouts.payouts_file, name="payouts_file"),
    path("payouts/<int:run_id>/paid/", payouts.payouts_mark_paid, name="payouts_paid"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<str:reference>/", orders.order_detail, name="order"),
    path("orders/<str:reference>/refund/", orders.order_refund_view, name="order_refund"),
    path("orders/<str:reference>/parts/<str:number>/cancel/", orders.part_cancel, name="part_cancel"),
    path("sellers/<int:seller_id>/approve/", seller_review.review_approve, name="seller_approve"),
    path("sellers/<int:seller_id>/reject/", seller_review.review_reject, name="seller_reject"),
]
