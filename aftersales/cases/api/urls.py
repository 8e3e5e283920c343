from django.urls import path
from rest_framework.routers import SimpleRouter

from aftersales.cases.api import views
from aftersales.cases.api.actions import ACTIONS

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("consultations", views.ConsultationViewSet, basename="consultation")

urlpatterns = [
    *[
        path(
            f"cases/<str:number>/{name}/",
            views.CaseActionView.as_view(action_name=name),
            name=f"case-{name}",
        )
        for name in ACTIONS
    ],
    path(
        "cases/<str:number>/attachments/",
        views.CaseAttachmentsView.as_view(),
        name="case-attachments",
    ),
    path(
        "cases/<str:number>/attachments/<int:attachment_id>/",
        views.CaseAttachmentDownloadView.as_view(),
        name="case-attachment",
    ),
    path("lookup/", views.LookupView.as_view(), name="lookup"),
    *router.urls,
]
