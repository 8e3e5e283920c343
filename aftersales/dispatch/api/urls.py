from django.urls import path
from rest_framework.routers import SimpleRouter

from aftersales.dispatch.api import views

router = SimpleRouter()
router.register("visits", views.VisitViewSet, basename="visit")

urlpatterns = [
    path(
        "visits/<int:pk>/signatures/<str:role>/",
        views.VisitSignatureView.as_view(),
        name="visit-signature",
    ),
    path("cases/<str:number>/documents/", views.CaseDocumentView.as_view(), name="case-documents"),
    *router.urls,
]
