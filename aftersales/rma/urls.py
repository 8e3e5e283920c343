from django.urls import path

from aftersales.rma import views

app_name = "rma"

urlpatterns = [
    path("parts/", views.parts, name="parts"),
    path("parts/moves/", views.moves, name="moves"),
    path("parts/receive/", views.receive, name="receive"),
    path("parts/transfer/", views.transfer, name="transfer"),
    path("parts/minimum/", views.minimum, name="minimum"),
    path("parts/reservations/<int:pk>/release/", views.release, name="release"),
    path("rma/", views.board, name="board"),
    path("rma/<str:number>/", views.order, name="order"),
    path("rma/<str:number>/do/<str:action>/", views.order_step, name="order-step"),
    path("loans/<str:number>/do/<str:action>/", views.loan_step, name="loan-step"),
    path("vendor-tickets/<int:pk>/do/<str:action>/", views.ticket_step, name="ticket-step"),
    path("cases/<str:number>/parts-panel/", views.case_panel, name="case-panel"),
    path("cases/<str:number>/parts/<str:action>/", views.case_action, name="case-action"),
    path("portal/cases/<str:number>/replacements/", views.portal_panel, name="portal-panel"),
]
