"""The demo's customers: a district public-security bureau's surveillance system (A), a
hospital's campus network (B), a logistics park's perimeter cameras and a school's campus
network; with contacts, sites, projects, contracts, a few hundred assets and their topology.
Names of organisations and people are made up."""

import datetime as dt
import ipaddress
import random
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from aftersales.accounts.models import Region
from aftersales.core.demo.catalogue import serial_number
from aftersales.customers.choices import AssetLinkKind, Category, ContractCoverage
from aftersales.customers.models import (
    Asset,
    AssetLink,
    AssetModel,
    Contact,
    Organisation,
    Project,
    ServiceContract,
    Site,
)

CAMERA_KINDS = {
    "bullet": "枪机",
    "dome": "半球",
    "turret": "半球",
    "ptz": "球机",
    "face": "人脸抓拍机",
}
STATION_POINTS = {
    "bullet": ["大门口", "后门", "周界东侧", "周界西侧", "院内停车场"],
    "dome": ["值班大厅", "办案区走廊", "询问室", "候问室", "户籍窗口", "楼梯口"],
    "ptz": ["辖区路口", "门前广场", "停车场"],
    "face": ["大门口", "办案区入口"],
}


@dataclass
class ProjectSpec:
    code: str
    name: str
    months_ago: int  # installed this many months before today
    contract: str
    coverage: str
    warranty_months: int
    frequency: str
    paid_months_ago: int = 0  # a paid contract's current year began this many months ago


@dataclass
class OrgSpec:
    code: str
    name: str
    short_name: str
    kind: str
    region: str
    address: str
    phone: str
    weight: int
    projects: list[ProjectSpec]
    # (name, pinyin, title, site key or "")
    contacts: list[tuple[str, str, str, str]]
    # (site key, name, region, address, project code, [(model key, count, names)])
    sites: list[tuple[str, str, str, str, str, list[tuple[str, int, list[str]]]]]


@dataclass
class OrgData:
    """An organisation as the case stories see it."""

    organisation: Organisation
    kind: str
    weight: int
    contacts: list[Contact]
    sites: dict[str, Site]
    assets: dict[str, list[Asset]] = field(default_factory=dict)


def _station(key, name, address):
    return (
        key,
        name,
        "bj-hd",
        address,
        "hdga-xl2",
        [
            ("hk-nvr64", 1, ["硬盘录像机"]),
            ("h3c-poe", 2, ["PoE交换机"]),
            ("hw-access", 1, ["接入交换机"]),
            ("santak-3k", 1, ["UPS"]),
            ("hk-bullet", 10, ["bullet"]),
            ("hk-dome", 8, ["dome"]),
            ("hk-ptz", 5, ["ptz"]),
            ("hk-face", 2, ["face"]),
        ],
    )


ORGANISATIONS: list[OrgSpec] = [
    OrgSpec(
        code="HDGA",
        name="北京市公安局海淀分局",
        short_name="海淀分局",
        kind="police",
        region="bj-hd",
        address="北京市海淀区长春桥路 11 号",
        phone="010-82519110",
        weight=50,
        projects=[
            ProjectSpec(
                "hdga-xl2",
                "海淀区社会治安视频监控系统（二期）",
                22,
                "二期视频监控系统三年质保服务合同",
                ContractCoverage.WARRANTY,
                36,
                "monthly",
            ),
            ProjectSpec(
                "hdga-zh",
                "分局指挥中心视频综合平台（一期）",
                52,
                "指挥中心视频综合平台年度维保合同",
                ContractCoverage.PAID,
                36,
                "quarterly",
                paid_months_ago=9,
            ),
        ],
        contacts=[
            ("王建军", "wangjianjun", "科技信息化科 科长", ""),
            ("刘涛", "liutao", "指挥中心 值班长", "center"),
            ("赵磊", "zhaolei", "中关村派出所 内勤民警", "zgc"),
            ("孙伟", "sunwei", "学院路派出所 民警", "xyl"),
            ("高峰", "gaofeng", "万寿路派出所 所长助理", "wsl"),
            ("马宁", "maning", "上地派出所 内勤民警", "sd"),
            ("杜文", "duwen", "清河派出所 民警", "qh"),
        ],
        sites=[
            (
                "center",
                "分局指挥中心机房",
                "bj-hd",
                "北京市海淀区长春桥路 11 号 指挥中心三层",
                "hdga-zh",
                [
                    ("hw-core", 2, ["核心交换机"]),
                    ("hw-agg", 2, ["汇聚交换机"]),
                    ("hw-fw", 1, ["边界防火墙"]),
                    ("dell-r740", 3, ["平台管理服务器", "流媒体服务器1", "流媒体服务器2"]),
                    ("inspur-5280", 2, ["数据库服务器", "视图解析服务器"]),
                    ("inspur-as", 2, ["视频存储"]),
                    ("hk-platform", 1, ["综合安防管理平台"]),
                    ("hk-decoder", 2, ["电视墙解码器"]),
                    ("apc-10k", 2, ["UPS"]),
                ],
            ),
            _station("zgc", "中关村派出所", "北京市海淀区中关村南大街 3 号"),
            _station("xyl", "学院路派出所", "北京市海淀区学院路 29 号"),
            _station("wsl", "万寿路派出所", "北京市海淀区万寿路 16 号"),
            _station("sd", "上地派出所", "北京市海淀区上地三街 7 号"),
            _station("qh", "清河派出所", "北京市海淀区清河中街 40 号"),
        ],
    ),
    OrgSpec(
        code="RMYY",
        name="市第一人民医院",
        short_name="一院",
        kind="hospital",
        region="bj-xc",
        address="北京市西城区永安路 95 号",
        phone="010-83150000",
        weight=25,
        projects=[
            ProjectSpec(
                "rmyy-net",
                "医院园区网络升级改造项目",
                30,
                "园区网络及机房设备维护服务合同",
                ContractCoverage.PAID,
                24,
                "quarterly",
                paid_months_ago=7,
            ),
        ],
        contacts=[
            ("李慧", "lihui", "信息中心 主任", "dc"),
            ("陈晓", "chenxiao", "信息中心 网络管理员", "dc"),
            ("杨帆", "yangfan", "保卫科 科长", ""),
            ("许娜", "xuna", "门诊部 护士长", "opd"),
        ],
        sites=[
            (
                "dc",
                "信息中心机房",
                "bj-xc",
                "门诊楼地下一层",
                "rmyy-net",
                [
                    ("hw-core", 2, ["核心交换机"]),
                    ("hw-fw", 2, ["出口防火墙"]),
                    ("dell-r750", 3, ["HIS数据库服务器1", "HIS数据库服务器2", "PACS服务器"]),
                    ("inspur-5280", 3, ["LIS服务器", "电子病历服务器", "虚拟化主机"]),
                    ("inspur-as", 1, ["影像存储"]),
                    ("rj-ac", 1, ["无线控制器"]),
                    ("santak-20k", 2, ["UPS"]),
                    ("dh-nvr", 1, ["安防录像机"]),
                ],
            ),
            (
                "opd",
                "门诊楼",
                "bj-xc",
                "门诊楼",
                "rmyy-net",
                [
                    ("hw-agg", 1, ["门诊楼汇聚交换机"]),
                    ("h3c-access", 5, ["楼层交换机"]),
                    ("rj-ap", 8, ["门诊AP"]),
                    ("dh-dome", 4, ["挂号大厅", "收费处", "候诊区", "电梯厅"]),
                    ("apc-3k", 1, ["弱电间UPS"]),
                ],
            ),
            (
                "ward",
                "住院部",
                "bj-xc",
                "住院部大楼",
                "rmyy-net",
                [
                    ("hw-agg", 1, ["住院部汇聚交换机"]),
                    ("h3c-access", 6, ["楼层交换机"]),
                    ("rj-ap", 10, ["病区AP"]),
                    ("dh-dome", 4, ["护士站", "病区走廊", "电梯厅"]),
                    ("apc-3k", 1, ["弱电间UPS"]),
                ],
            ),
            (
                "tech",
                "医技楼",
                "bj-xc",
                "医技楼",
                "rmyy-net",
                [
                    ("hw-agg", 1, ["医技楼汇聚交换机"]),
                    ("h3c-access", 3, ["楼层交换机"]),
                    ("rj-ap", 4, ["医技AP"]),
                    ("dh-bullet", 2, ["医技楼出入口"]),
                ],
            ),
            (
                "er",
                "急诊楼",
                "bj-xc",
                "急诊楼",
                "rmyy-net",
                [
                    ("h3c-access", 2, ["楼层交换机"]),
                    ("rj-ap", 3, ["急诊AP"]),
                    ("dh-ptz", 1, ["急诊通道"]),
                    ("dh-dome", 2, ["急诊大厅", "抢救室外"]),
                ],
            ),
        ],
    ),
    OrgSpec(
        code="XSWL",
        name="西山物流园管理有限公司",
        short_name="西山物流园",
        kind="park",
        region="bj-cp",
        address="北京市昌平区沙河镇物流园路 8 号",
        phone="010-80720000",
        weight=13,
        projects=[
            ProjectSpec(
                "xswl-zj",
                "物流园周界及仓库视频监控项目",
                8,
                "周界及仓库视频监控系统质保服务合同",
                ContractCoverage.WARRANTY,
                36,
                "quarterly",
            ),
        ],
        contacts=[
            ("韩冬", "handong", "安保部 经理", ""),
            ("冯晓东", "fengxiaodong", "监控中心 值班员", "ctl"),
        ],
        sites=[
            (
                "ctl",
                "园区监控中心",
                "bj-cp",
                "综合楼一层",
                "xswl-zj",
                [
                    ("unv-nvr", 2, ["硬盘录像机"]),
                    ("hw-access", 1, ["核心交换机"]),
                    ("dell-r650", 1, ["存储管理服务器"]),
                    ("santak-10k", 1, ["UPS"]),
                ],
            ),
            (
                "gate",
                "南门卡口",
                "bj-cp",
                "园区南门",
                "xswl-zj",
                [("h3c-poe", 1, ["卡口PoE交换机"]), ("unv-bullet", 4, ["南门车道"])],
            ),
            (
                "wh1",
                "1号仓库",
                "bj-cp",
                "园区 1 号仓库",
                "xswl-zj",
                [
                    ("h3c-poe", 1, ["仓库PoE交换机"]),
                    ("unv-bullet", 6, ["装卸月台"]),
                    ("unv-turret", 6, ["库内通道"]),
                ],
            ),
            (
                "wh2",
                "2号仓库",
                "bj-cp",
                "园区 2 号仓库",
                "xswl-zj",
                [
                    ("h3c-poe", 1, ["仓库PoE交换机"]),
                    ("unv-bullet", 6, ["装卸月台"]),
                    ("unv-turret", 6, ["库内通道"]),
                ],
            ),
            (
                "fence",
                "园区周界",
                "bj-cp",
                "园区围墙沿线",
                "xswl-zj",
                [("h3c-poe", 1, ["周界PoE交换机"]), ("unv-bullet", 8, ["周界"])],
            ),
        ],
    ),
    OrgSpec(
        code="JXSY",
        name="京西实验学校",
        short_name="京西实验",
        kind="school",
        region="bj-mtg",
        address="北京市门头沟区新桥大街 20 号",
        phone="010-69840000",
        weight=12,
        projects=[
            ProjectSpec(
                "jxsy-xy",
                "智慧校园网络及安防项目",
                14,
                "校园网络及安防系统两年质保合同",
                ContractCoverage.WARRANTY,
                24,
                "half_yearly",
            ),
        ],
        contacts=[
            ("邓志刚", "dengzhigang", "信息中心 主任", "noc"),
            ("曹颖", "caoying", "总务处 老师", ""),
        ],
        sites=[
            (
                "noc",
                "网络中心",
                "bj-mtg",
                "行政楼四层",
                "jxsy-xy",
                [
                    ("rj-agg", 1, ["核心交换机"]),
                    ("rj-ac", 1, ["无线控制器"]),
                    ("dell-r650", 2, ["校园一卡通服务器", "虚拟化主机"]),
                    ("hk-nvr32", 1, ["硬盘录像机"]),
                    ("santak-10k", 1, ["UPS"]),
                ],
            ),
            (
                "class",
                "教学楼",
                "bj-mtg",
                "教学楼 A 座",
                "jxsy-xy",
                [
                    ("rj-access", 4, ["楼层交换机"]),
                    ("rj-ap", 8, ["教室AP"]),
                    ("hk-dome", 6, ["楼道"]),
                ],
            ),
            (
                "admin",
                "行政楼",
                "bj-mtg",
                "行政楼",
                "jxsy-xy",
                [("rj-access", 2, ["楼层交换机"]), ("rj-ap", 3, ["办公区AP"])],
            ),
            (
                "yard",
                "校门及操场",
                "bj-mtg",
                "校门、操场",
                "jxsy-xy",
                [
                    ("rj-access", 1, ["室外交换机"]),
                    ("hk-bullet", 4, ["校门"]),
                    ("hk-ptz", 2, ["操场"]),
                ],
            ),
        ],
    ),
]


def _names(model_key: str, count: int, names: list[str]) -> list[str]:
    """Asset names: cameras by their point (值班大厅半球03), others as given, numbered when
    there are several."""
    kind = model_key.split("-", 1)[1]
    if kind in CAMERA_KINDS:
        points = STATION_POINTS.get(names[0], names)
        label = CAMERA_KINDS[kind]
        return [f"{points[i % len(points)]}{label}{i + 1:02d}" for i in range(count)]
    if len(names) == count:
        return names
    return [f"{names[0]}{i + 1}" if count > 1 else names[0] for i in range(count)]


def _link(links: list[AssetLink], source: Asset, target: Asset | None, kind: str) -> None:
    if target is not None:
        links.append(AssetLink(source=source, target=target, kind=kind))


def _topology(
    assets: list[Asset], links: list[AssetLink], core: Asset | None, central_nvr: Asset | None
) -> None:
    """Links within one site: camera → PoE switch → NVR, AP → access switch, every access
    switch up to the site's aggregation switch or the organisation's core; devices powered by
    the site's UPS; software on the first server."""
    by = {category: [a for a in assets if a.model.category == category] for category in Category}
    switches = by[Category.SWITCH]
    access = [s for s in switches if "PoE" in s.name or "楼层" in s.name or "接入" in s.name]
    access = access or switches
    upper = [s for s in switches if s not in access] or ([core] if core else [])
    nvr = (by[Category.NVR] or [central_nvr])[0]
    ups = (by[Category.UPS] or [None])[0]
    for index, camera in enumerate(by[Category.CAMERA]):
        _link(links, camera, access[index % len(access)] if access else None, AssetLinkKind.UPLINK)
        _link(links, camera, nvr, AssetLinkKind.RECORDS_TO)
    for index, ap in enumerate(by[Category.WIRELESS]):
        if ap.model.name.startswith("RG-AP") or ap.model.name.startswith("AirEngine"):
            _link(links, ap, access[index % len(access)] if access else None, AssetLinkKind.UPLINK)
    for switch in access:
        local_nvr = nvr if nvr is not None and nvr.site_id == switch.site_id else None
        target = local_nvr if "PoE" in switch.name and local_nvr else (upper or [None])[0]
        if target is not switch:
            _link(links, switch, target, AssetLinkKind.UPLINK)
    for switch in upper:
        if core is not None and switch is not core and switch.model.name != core.model.name:
            _link(links, switch, core, AssetLinkKind.UPLINK)
    for device in by[Category.SERVER] + by[Category.STORAGE] + by[Category.NVR] + switches:
        _link(links, device, ups, AssetLinkKind.POWERED_BY)
    servers = by[Category.SERVER]
    for software in by[Category.VIDEO_PLATFORM]:
        _link(links, software, servers[0] if servers else None, AssetLinkKind.RUNS_ON)


def _contract(spec: ProjectSpec, org: Organisation, project: Project, today: dt.date, index: int):
    installed = today - relativedelta(months=spec.months_ago)
    accepted = installed + dt.timedelta(days=45)
    if spec.coverage == ContractCoverage.PAID:
        start = (today - relativedelta(months=spec.paid_months_ago)).replace(day=1)
        end = start + relativedelta(years=1) - dt.timedelta(days=1)
    else:
        start = accepted + dt.timedelta(days=1)
        end = accepted + relativedelta(months=spec.warranty_months)
    contract = ServiceContract.objects.create(
        organisation=org,
        project=project,
        number=f"HT{start.year}-{org.code}-{index:03d}",
        name=spec.contract,
        start_date=start,
        end_date=end,
        coverage=spec.coverage,
        warranty_months=spec.warranty_months,
        maintenance_frequency=spec.frequency,
        trainings_per_year=2,
    )
    return contract, installed, accepted


def organisations_create(
    *, rng: random.Random, models: dict[str, AssetModel], today: dt.date
) -> list[OrgData]:
    regions = {region.code: region for region in Region.objects.all()}
    result = []
    links: list[AssetLink] = []
    serials: set[tuple[int, str]] = set()
    for org_index, spec in enumerate(ORGANISATIONS, start=1):
        org = Organisation.objects.create(
            code=spec.code,
            name=spec.name,
            short_name=spec.short_name,
            region=regions[spec.region],
            address=spec.address,
            phone=spec.phone,
            email=f"service@{spec.code.lower()}.example.com",
        )
        contacts = {}
        for index, (name, pinyin, title, _site_key) in enumerate(spec.contacts):
            contacts[name] = Contact.objects.create(
                organisation=org,
                name=name,
                title=title,
                phone=f"{spec.phone[:-4]}{rng.randint(1000, 9999)}",
                mobile=f"1380010{org_index}{index:03d}",
                email=f"{pinyin}@{spec.code.lower()}.example.com",
                is_primary=index == 0,
            )
        projects = {}
        for index, pspec in enumerate(spec.projects, start=1):
            project = Project.objects.create(
                organisation=org,
                code=pspec.code,
                name=pspec.name,
                start_date=today - relativedelta(months=pspec.months_ago + 3),
            )
            projects[pspec.code] = (project, *_contract(pspec, org, project, today, index))
        oldest = min(installed for _p, _c, installed, _a in projects.values())
        Organisation.objects.filter(pk=org.pk).update(
            created_at=dt.datetime.combine(oldest, dt.time(9), tzinfo=dt.UTC)
        )
        data = OrgData(org, spec.kind, spec.weight, list(contacts.values()), {})
        site_contacts: dict[str, Contact] = {}
        for (_name, _pinyin, _title, site_key), contact in zip(
            spec.contacts, contacts.values(), strict=True
        ):
            site_contacts.setdefault(site_key, contact)
        site_assets: list[list[Asset]] = []
        for site_index, (key, name, region, address, project_code, layout) in enumerate(
            spec.sites, start=1
        ):
            site = Site.objects.create(
                organisation=org,
                name=name,
                region=regions[region],
                address=address,
                contact=site_contacts.get(key) or data.contacts[0],
            )
            data.sites[key] = site
            project, contract, installed, accepted = projects[project_code]
            network = ipaddress.ip_network(f"10.{org_index}.{site_index}.0/24")
            assets = []
            for model_key, count, names in layout:
                model = models[model_key]
                for name_ in _names(model_key, count, names):
                    serial = serial_number(rng, model.vendor.code)
                    while (model.vendor_id, serial) in serials:
                        serial = serial_number(rng, model.vendor.code)
                    serials.add((model.vendor_id, serial))
                    installed_on = installed + dt.timedelta(days=rng.randint(0, 20))
                    assets.append(
                        Asset(
                            organisation=org,
                            site=site,
                            model=model,
                            vendor_id=model.vendor_id,
                            serial_number=serial,
                            name=name_,
                            ip_address=str(network[10 + len(assets)]),
                            project=project,
                            contract=contract,
                            install_date=installed_on,
                            acceptance_date=accepted,
                        )
                    )
            site_assets.append(Asset.objects.bulk_create(assets))
        everything = [a for assets in site_assets for a in assets]
        core = next((a for a in everything if "核心" in a.name), None)
        central_nvr = next((a for a in everything if a.model.category == Category.NVR), None)
        for assets in site_assets:
            _topology(assets, links, core, central_nvr)
            for asset in assets:
                data.assets.setdefault(asset.model.category, []).append(asset)
        result.append(data)
    AssetLink.objects.bulk_create(links)
    return result
