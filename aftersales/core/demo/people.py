"""The demo's people: regions, skills, the service desk's staff and teams, and the customer
contacts who sign in. Every demo user's password is chosen by the loader."""

import datetime as dt
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from aftersales.accounts.choices import TeamKind
from aftersales.accounts.models import Region, Skill, Team, User
from aftersales.accounts.roles import Role
from aftersales.accounts.services import user_set_roles
from aftersales.customers.models import Contact, Organisation

REGIONS = [
    ("bj", "北京市", None),
    ("bj-hd", "海淀区", "bj"),
    ("bj-xc", "西城区", "bj"),
    ("bj-cp", "昌平区", "bj"),
    ("bj-mtg", "门头沟区", "bj"),
    ("bj-cy", "朝阳区", "bj"),
]

SKILLS = {
    "cctv": "视频监控",
    "recording": "存储与录像",
    "network": "网络交换",
    "wireless": "无线网络",
    "security": "网络安全",
    "server": "服务器与存储",
    "ups": "供配电与UPS",
    "platform": "视频平台软件",
    "application": "应用软件",
    "cabling": "综合布线",
}


@dataclass(frozen=True)
class UserSpec:
    username: str
    display_name: str
    roles: tuple[str, ...]
    region: str = ""
    skills: tuple[str, ...] = ()
    organisation: str = ""  # customer contacts: their organisation's code
    contact: str = ""  # and their contact record's name


USERS: list[UserSpec] = [
    UserSpec("admin", "系统管理员", (Role.ADMINISTRATOR,)),
    UserSpec("dispatcher", "张敏", (Role.DISPATCHER,), "bj-hd"),
    UserSpec(
        "engineer",
        "李强",
        (Role.ENGINEER,),
        "bj-hd",
        ("cctv", "recording", "network", "cabling", "ups"),
    ),
    UserSpec(
        "engineer2",
        "王磊",
        (Role.ENGINEER,),
        "bj-xc",
        ("network", "wireless", "server", "ups", "application"),
    ),
    UserSpec(
        "expert",
        "陈志远",
        (Role.EXPERT,),
        "bj-hd",
        ("platform", "server", "security", "network", "application"),
    ),
    UserSpec("manager", "刘建国", (Role.DEPARTMENT_MANAGER, Role.RESPONSE_CENTRE_MANAGER)),
    UserSpec("manager2", "赵立新", (Role.TECHNICAL_MANAGER,)),
    UserSpec("manager3", "孙海波", (Role.TECHNICAL_CENTRE_MANAGER,)),
    UserSpec("manager4", "周文斌", (Role.INTEGRATION_MANAGER,)),
    UserSpec("manager5", "吴振华", (Role.INTEGRATION_GENERAL_MANAGER,)),
    UserSpec("quality", "郑丽", (Role.QUALITY_MANAGER,)),
    UserSpec("parts", "何静", (Role.SPARE_PARTS_ADMIN,)),
    UserSpec("customer", "王建军", (Role.CUSTOMER,), organisation="HDGA", contact="王建军"),
    UserSpec("customer_b", "李慧", (Role.CUSTOMER,), organisation="RMYY", contact="李慧"),
]
USERNAMES = tuple(spec.username for spec in USERS)

# (code, name, kind, region, members)
TEAMS = [
    ("onsite", "现场服务组", TeamKind.ONSITE, "bj-hd", ("engineer", "engineer2")),
    ("service-centre", "用户服务中心", TeamKind.SERVICE_CENTRE, "", ("dispatcher", "manager")),
    ("application", "应用软件事业部", TeamKind.APPLICATION, "", ("expert", "engineer2")),
    ("vendor-liaison", "厂商协调组", TeamKind.VENDOR_LIAISON, "", ("engineer", "expert")),
    ("spare-parts", "备件库", TeamKind.SPARE_PARTS, "", ("parts",)),
]

_READABLE = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def password_generate() -> str:
    """A random password that reads well aloud: three groups of four."""
    groups = ("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


def password_hashes(passwords: dict[str, str]) -> dict[str, str]:
    """Hash every password, several at once: each hash takes a good fraction of a second by
    design, and the hashing library releases the interpreter lock while it works."""
    distinct = sorted(set(passwords.values()))
    workers = max(1, min(len(distinct), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        hashed = dict(zip(distinct, pool.map(make_password, distinct), strict=True))
    return {username: hashed[password] for username, password in passwords.items()}


def regions_and_skills_create() -> tuple[dict[str, Region], dict[str, Skill]]:
    regions: dict[str, Region] = {}
    for code, name, parent in REGIONS:
        regions[code] = Region.objects.create(
            code=code, name=name, parent=regions.get(parent or "")
        )
    skills = {code: Skill.objects.create(code=code, name=name) for code, name in SKILLS.items()}
    return regions, skills


def users_create(*, hashes: dict[str, str], joined: dt.datetime) -> dict[str, User]:
    """Create every demo user with its roles; customer contacts join their organisation."""
    regions = {region.code: region for region in Region.objects.all()}
    skills = {skill.code: skill for skill in Skill.objects.all()}
    users = {}
    for index, spec in enumerate(USERS, start=1):
        organisation = contact = None
        if spec.organisation:
            organisation = Organisation.objects.get(code=spec.organisation)
            contact = Contact.objects.get(organisation=organisation, name=spec.contact)
        user = User.objects.create(
            username=spec.username,
            password=hashes[spec.username],
            display_name=spec.display_name,
            email=contact.email if contact else f"{spec.username}@service.example.com",
            phone=contact.mobile if contact else f"1380000{index:04d}",
            organisation=organisation,
            contact=contact,
            region=regions.get(spec.region),
            is_superuser=spec.username == "admin",
            date_joined=joined,
        )
        if spec.skills:
            user.skills.set([skills[code] for code in spec.skills])
        users[spec.username] = user_set_roles(user=user, roles=list(spec.roles))
    return users


def teams_create(*, users: dict[str, User]) -> dict[str, Team]:
    regions = {region.code: region for region in Region.objects.all()}
    teams = {}
    for code, name, kind, region, members in TEAMS:
        team = Team.objects.create(code=code, name=name, kind=kind, region=regions.get(region))
        team.members.set([users[username] for username in members])
        teams[code] = team
    return teams
