from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from aftersales.accounts.forms import OutboxPasswordResetForm
from aftersales.workspace import views as workspace_views

api_v1 = [
    path("", include("aftersales.cases.api.urls")),
    path("", include("aftersales.customers.api.urls")),
    path("", include("aftersales.notifications.api.urls")),
    path("", include("aftersales.feedback.api.urls")),
    path("", include("aftersales.dispatch.api.urls")),
    path("", include("aftersales.knowledge.api.urls")),
    path("", include("aftersales.rma.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api-auth/", include("rest_framework.urls")),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("portal/knowledge/", include("aftersales.knowledge.portal_urls")),
    path("portal/", include("aftersales.portal.urls")),
    path("", include("aftersales.feedback.urls")),
    path("", include("aftersales.dispatch.urls")),
    path("knowledge/", include("aftersales.knowledge.urls")),
    path("search/", include("aftersales.search.urls")),
    path("exports/", include("aftersales.exports.urls")),
    path("reports/", include("aftersales.reports.urls")),
    path("", include("aftersales.workspace.urls")),
    path("", include("aftersales.rma.urls")),
    path("", workspace_views.home, name="home"),
]

handler404 = "aftersales.core.api.page_not_found"
