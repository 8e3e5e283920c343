from django.urls import path
from rest_framework.routers import SimpleRouter

from aftersales.rma.api import views

router = SimpleRouter()
router.register("parts", views.PartViewSet, basename="part")
router.register("stock-locations", views.LocationViewSet, basename="stock-location")
router.register("stock", views.StockViewSet, basename="stock")
router.register("stock-moves", views.MoveViewSet, basename="stock-move")
router.register("reservations", views.ReservationViewSet, basename="reservation")
router.register("rma-orders", views.RmaOrderViewSet, basename="rma-order")
router.register("loans", views.LoanViewSet, basename="loan")
router.register("vendor-tickets", views.VendorTicketViewSet, basename="vendor-ticket")

urlpatterns = [
    *[
        path(
            f"rma-orders/<str:number>/{name}/",
            views.RmaActionView.as_view(action_name=name),
            name=f"rma-order-{name}",
        )
        for name in views.RMA_ACTIONS
    ],
    *[
        path(
            f"loans/<str:number>/{name}/",
            views.LoanActionView.as_view(action_name=name),
            name=f"loan-{name}",
        )
        for name in views.LOAN_ACTIONS
    ],
    *router.urls,
]
