from rest_framework.routers import SimpleRouter

from aftersales.customers.api import views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("sites", views.SiteViewSet, basename="site")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("assets", views.AssetViewSet, basename="asset")

urlpatterns = router.urls
