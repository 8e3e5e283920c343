from django.urls import path

from aftersales.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("field-service/", views.field_service, name="field-service"),
    path("monthly.pdf", views.monthly_pdf, name="monthly-pdf"),
]
