"""Roles (Django groups, one per role, named by its code) and the sets the rules use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISPATCHER = "dispatcher", _("Dispatcher")
    ENGINEER = "engineer", _("Engineer")
    EXPERT = "expert", _("Expert")
    DEPARTMENT_MANAGER = "department_manager", _("Department manager")
    RESPONSE_CENTRE_MANAGER = "manager_l1", _("Response-centre manager (level 1)")
    TECHNICAL_MANAGER = "manager_l2", _("Technical manager (level 2)")
    TECHNICAL_CENTRE_MANAGER = "manager_l3", _("Technical-centre manager (level 3)")
    INTEGRATION_MANAGER = "manager_l4", _("Integration manager (level 4)")
    INTEGRATION_GENERAL_MANAGER = "manager_l5", _("Integration general manager (level 5)")
    SPARE_PARTS_ADMIN = "spare_parts_admin", _("Spare-parts admin")
    QUALITY_MANAGER = "quality_manager", _("Quality manager")
    CUSTOMER = "customer", _("Customer contact")
    ADMINISTRATOR = "administrator", _("Administrator")


# The escalation ladder's levels 1-5, in order.
MANAGER_LEVELS: dict[int, Role] = {
    1: Role.RESPONSE_CENTRE_MANAGER,
    2: Role.TECHNICAL_MANAGER,
    3: Role.TECHNICAL_CENTRE_MANAGER,
    4: Role.INTEGRATION_MANAGER,
    5: Role.INTEGRATION_GENERAL_MANAGER,
}

MANAGERS = frozenset({Role.DEPARTMENT_MANAGER, *MANAGER_LEVELS.values()})
ENGINEERS = frozenset({Role.ENGINEER, Role.EXPERT})
DESK = frozenset({Role.DISPATCHER, Role.ADMINISTRATOR, *MANAGERS})
STAFF = frozenset(set(Role) - {Role.CUSTOMER})
# Who works cases: the desk and the engineers.
CASE_WORKERS = DESK | ENGINEERS

# Which models each staff role may touch in the admin: (app label, actions).
ADMIN_PERMISSIONS: dict[Role, dict[str, tuple[str, ...]]] = {
    Role.DISPATCHER: {
        "customers": ("view", "add", "change"),
        "cases": ("view",),
        "accounts": ("view",),
        # Revisit plans of contracts; surveys and revisits are read-only in the admin.
        "feedback": ("view", "add", "change"),
        "dispatch": ("view",),
    },
    Role.ENGINEER: {"customers": ("view",), "cases": ("view",)},
    Role.EXPERT: {"customers": ("view",), "cases": ("view",)},
    Role.SPARE_PARTS_ADMIN: {
        "customers": ("view",),
        "cases": ("view",),
        # The catalogue and locations; stock, moves and orders change through the services.
        "rma": ("view", "add", "change"),
    },
    Role.QUALITY_MANAGER: {
        "customers": ("view",),
        "cases": ("view",),
        "accounts": ("view",),
        "feedback": ("view",),
    },
    Role.ADMINISTRATOR: {
        "customers": ("view", "add", "change"),
        "cases": ("view",),
        "accounts": ("view", "add", "change"),
        "auth": ("view", "add", "change"),
        "authtoken": ("view", "add", "change", "delete"),
        # Templates, chat robots, preferences; the outbox (read-only in the admin, retried).
        "notifications": ("view", "add", "change", "delete"),
        "feedback": ("view", "add", "change"),
        # Which skills fix which categories; visits are read-only in the admin.
        "dispatch": ("view", "add", "change", "delete"),
        # The synonym dictionary of search; knowledge articles (read-only in the admin).
        "search": ("view", "add", "change", "delete"),
        "knowledge": ("view",),
        "rma": ("view", "add", "change"),
    },
    **{
        role: {
            "customers": ("view",),
            "cases": ("view",),
            "accounts": ("view",),
            "feedback": ("view",),
        }
        for role in MANAGERS
    },
}
