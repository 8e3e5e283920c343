"""The demo's spare parts: a warehouse and the engineers' own stock, parts for the demo's
cameras, recorders, switches, servers and UPSs, and a few weeks of cases fixed with parts,
advance replacements, loaners and a vendor ticket. Each is a scenario of steps through the
services; the steps of all scenarios run in time order, the clock frozen at each one's moment,
so stock moves and timelines follow the calendar. Called by `aftersales demo` once the case
stories have run."""

import datetime as dt
import heapq
from collections.abc import Callable, Generator

from aftersales.accounts.models import User
from aftersales.cases import services as cs
from aftersales.cases.models import Case
from aftersales.core.clock import frozen
from aftersales.core.errors import DomainError
from aftersales.customers.models import Asset, AssetModel, Vendor
from aftersales.rma import services
from aftersales.rma.choices import LocationKind
from aftersales.rma.models import SparePart, StockLocation
from aftersales.rma.sweep import rma_sweep

# part number: (vendor, name, serialised, compatible asset models, quantity or serials, minimum)
PARTS = {
    "DS-2CD3T46WDV3-I3": (
        "hikvision",
        "400万筒型网络摄像机（整机备件）",
        True,
        ["DS-2CD3T46WDV3-I3"],
        ["K902114861", "K902114862", "K902114863", "K902114864", "K902114865"],
        2,
    ),
    "DS-2CD3346WDV3-I": (
        "hikvision",
        "400万半球网络摄像机（整机备件）",
        True,
        ["DS-2CD3346WDV3-I"],
        ["K903550120", "K903550121", "K903550122"],
        1,
    ),
    "PSU-12V2A": (
        "hikvision",
        "12V/2A 摄像机电源适配器",
        False,
        [
            "DS-2CD3T46WDV3-I3",
            "DS-2CD3346WDV3-I",
            "DH-IPC-HFW4443M-I2",
            "DH-IPC-HDBW4443R-AS",
            "IPC2124LB-SF40KM-G",
            "IPC3614SB-ADF28KM-I0",
        ],
        30,
        10,
    ),
    "ST4000VX016": (
        "seagate",
        "希捷酷鹰 4TB 监控硬盘",
        False,
        ["DS-9632N-I8", "DS-9664N-I16", "DH-NVR5432-4KS2", "NVR308-32E-B"],
        12,
        4,
    ),
    "DS-9632N-I8-MB": (
        "hikvision",
        "DS-9632N-I8 录像机主板",
        True,
        ["DS-9632N-I8"],
        ["MB96320031", "MB96320032"],
        1,
    ),
    "S5735-L24P4X-A1": (
        "huawei",
        "华为 24口 PoE 接入交换机（整机，可作备机）",
        True,
        ["S5735-L24P4X-A1"],
        ["2102351QLS10M4000111", "2102351QLS10M4000112", "2102351QLS10M4000113"],
        1,
    ),
    "SFP-GE-LX-SM1310": (
        "huawei",
        "千兆单模光模块 1310nm 10km",
        False,
        ["S5735-L24P4X-A1", "CloudEngine S6730-H24X6C", "S5130-28S-PWR-EI"],
        6,
        4,
    ),
    "DELL-PSU-750W": (
        "dell",
        "Dell 750W 热插拔电源模块",
        False,
        ["PowerEdge R740xd", "PowerEdge R750", "PowerEdge R650"],
        4,
        2,
    ),
    "APC-RBC55": (
        "apc",
        "APC RBC55 替换电池组",
        False,
        ["Smart-UPS 3000 (SMT3000RMI2U)"],
        3,
        1,
    ),
}
EXTRA_VENDORS = {"seagate": "希捷 Seagate"}


class _Clock:
    """Working moments counted back from the anchor on the spare-parts desk's calendar."""

    def __init__(self, anchor: dt.datetime):
        self.anchor = anchor
        self.calendar = services.desk_calendar()

    def day(self, back: int, hour: int = 10, minute: int = 0) -> dt.datetime:
        day = self.anchor.astimezone(self.calendar.zone).date()
        for _ in range(back):
            day -= dt.timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day -= dt.timedelta(days=1)
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.calendar.zone)
        return min(moment, self.anchor - dt.timedelta(minutes=5))

    def ahead(self, days: int, hour: int = 17) -> dt.datetime:
        day = self.anchor.astimezone(self.calendar.zone).date()
        for _ in range(days):
            day += dt.timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day += dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(hour), tzinfo=self.calendar.zone)


def _stock(users: dict[str, User], clock: _Clock) -> dict[str, object]:
    parts_admin = users["parts"]
    with frozen(clock.day(45, 9, 30)):
        for code, name in EXTRA_VENDORS.items():
            Vendor.objects.get_or_create(code=code, defaults={"name": name})
        main = services.location_save(
            actor=parts_admin,
            instance=StockLocation(),
            code="bj-main",
            name="北京总库",
            kind=LocationKind.WAREHOUSE,
            owner=parts_admin,
            address="北京市海淀区上地信息路 9 号 B1",
        )
        vans = {
            username: services.location_save(
                actor=parts_admin,
                instance=StockLocation(),
                code=f"van-{username}",
                name=f"{users[username]}随车备件",
                kind=LocationKind.ENGINEER,
                owner=users[username],
            )
            for username in ("engineer", "engineer2")
        }
        models = {m.name: m for m in AssetModel.objects.all()}
        vendors = {v.code: v for v in Vendor.objects.all()}
        parts = {}
        for number, (vendor, name, serialised, fits, stock, minimum) in PARTS.items():
            part = services.part_save(
                actor=parts_admin,
                instance=SparePart(),
                compatible_models=[models[m] for m in fits if m in models],
                vendor=vendors[vendor],
                part_number=number,
                name=name,
                serialised=serialised,
            )
            parts[number] = part
            if serialised:
                services.stock_receive(
                    actor=parts_admin, part=part, location=main, serial_numbers=stock
                )
            else:
                services.stock_receive(
                    actor=parts_admin, part=part, location=main, quantity=stock, note="年度备件采购"
                )
            services.stock_set_minimum(actor=parts_admin, part=part, location=main, minimum=minimum)
    with frozen(clock.day(44, 14)):
        for username, quantity in (("engineer", 4), ("engineer2", 3)):
            services.stock_transfer(
                actor=parts_admin,
                part=parts["PSU-12V2A"],
                from_location=main,
                to_location=vans[username],
                quantity=quantity,
                note="随车备件补充",
            )
            services.stock_set_minimum(
                actor=parts_admin, part=parts["PSU-12V2A"], location=vans[username], minimum=2
            )
        services.stock_transfer(
            actor=parts_admin,
            part=parts["SFP-GE-LX-SM1310"],
            from_location=main,
            to_location=vans["engineer2"],
            quantity=2,
        )
    return {"main": main, "vans": vans, "parts": parts}


Step = tuple[dt.datetime, Callable[[], object]]
Scenario = Generator[Step, object, None]


def _run(scenarios: list[Scenario]) -> None:
    """Run the scenarios' steps in time order, each with the clock frozen at its moment; a
    step's result is sent back to its scenario."""
    queue = []
    for index, scenario in enumerate(scenarios):
        at, thunk = next(scenario)
        queue.append((at, index, thunk))
    heapq.heapify(queue)
    while queue:
        at, index, thunk = heapq.heappop(queue)
        with frozen(at):
            result = thunk()
        try:
            at, thunk = scenarios[index].send(result)
        except StopIteration:
            continue
        heapq.heappush(queue, (at, index, thunk))


class _Story:
    """Demo cases told through the case services: opened by the dispatcher, assigned to the
    engineer covering the customer and answered; later resolved, confirmed and closed."""

    def __init__(self, users: dict[str, User]):
        self.users = users

    def engineer(self, org_code: str) -> User:
        return self.users["engineer2" if org_code in ("RMYY", "JXSY") else "engineer"]

    def open(self, org_code: str, model: str, title: str, text: str) -> Case | None:
        asset = (
            Asset.objects.filter(
                organisation__code=org_code, model__name=model, archived_at__isnull=True
            )
            .select_related("organisation", "model__vendor")
            .order_by("pk")
            .first()
        )
        if asset is None:
            return None
        portal = next(
            (u for u in self.users.values() if u.organisation_id == asset.organisation_id), None
        )
        dispatcher, engineer = self.users["dispatcher"], self.engineer(org_code)
        case = cs.case_create(
            actor=dispatcher,
            organisation=asset.organisation,
            title=title,
            description=text,
            severity="P3",
            channel="phone",
            assets=[asset],
            contact=portal.contact if portal else None,
        )
        case = cs.case_assign(case=case, assignee=engineer, actor=dispatcher)
        case = cs.case_respond(case=case, actor=engineer, note="已电话联系客户，了解故障现象")
        case.asset = asset
        return case

    def close(self, case: Case, solution: str) -> Case:
        engineer = self.engineer(case.organisation.code)
        case = cs.case_resolve(case=case, cause="hardware", solution=solution, actor=engineer)
        case = cs.case_confirm(case=case, actor=self.users["dispatcher"], note="电话回访确认")
        return cs.case_close(case=case, actor=self.users["manager"])


def _used(story: _Story, clock: _Clock, stock: dict, spec: tuple) -> Scenario:
    """A case fixed on site with a part from an engineer's own stock or the warehouse."""
    org, model, part_number, location, back, quantity, title = spec
    case = yield clock.day(back, 9, 15), lambda: story.open(org, model, title, "现场检查")
    if case is None:
        return

    def consume():
        try:
            return services.stock_consume(
                part=stock["parts"][part_number],
                quantity=quantity,
                location=location,
                actor=story.engineer(org),
                case=case,
                asset=case.asset,
                note="现场更换",
            )
        except DomainError:
            return None

    yield clock.day(back, 13, 40), consume
    yield clock.day(back, 14, 30), lambda: story.close(case, "更换备件后测试正常")


def _replacement(story: _Story, clock: _Clock, stock: dict, spec: dict) -> Scenario:
    """An advance replacement, as far as `spec` takes it."""
    parts_admin, main = story.users["parts"], stock["main"]
    part = stock["parts"][spec["part"]]
    case = yield spec["open"], lambda: story.open(spec["org"], spec["model"], *spec["case"])
    if case is None:
        return
    order = yield (
        spec["confirm"],
        lambda: services.rma_confirm_fault(
            case=case,
            actor=story.engineer(spec["org"]),
            part=part,
            fault=spec["fault"],
            asset=case.asset,
            faulty_serial=case.asset.serial_number,
            ship_from=main,
        ),
    )
    for at, step, arguments in spec.get("steps", []):
        if step == "close":
            yield at, lambda a=arguments: story.close(case, a)
            continue
        service = getattr(services, f"rma_{step}")
        order = yield at, lambda s=service, a=arguments, o=order: s(order=o, actor=parts_admin, **a)


def _loan(story: _Story, clock: _Clock, stock: dict, spec: tuple) -> Scenario:
    org, part_number, serial, opened, due, title, note = spec
    part = stock["parts"][part_number]
    case = yield opened, lambda: story.open(org, part_number, title, "现场排查中")
    if case is None:
        return
    yield (
        opened + dt.timedelta(hours=3),
        lambda: services.loan_lend(
            case=case,
            actor=story.engineer(org),
            part=part,
            serial_number=serial,
            location=stock["main"],
            due_back_at=due,
            asset=case.asset,
            note=note,
        ),
    )


def _vendor(story: _Story, clock: _Clock) -> Scenario:
    engineer = story.engineer("RMYY")
    case = yield (
        clock.day(3, 9, 30),
        lambda: story.open(
            "RMYY", "PowerEdge R750", "HIS 数据库服务器 RAID 卡告警", "iDRAC 报 RAID 控制器电池故障"
        ),
    )
    if case is None:
        return
    ticket = yield (
        clock.day(2, 10, 15),
        lambda: services.vendor_ticket_open(
            case=case,
            actor=engineer,
            vendor=case.asset.model.vendor,
            reference="DELL-SR-186600421",
            note="已上传 TSR 日志与告警截图",
        ),
    )
    yield (
        clock.day(1, 16, 40),
        lambda: services.vendor_ticket_answer(
            ticket=ticket,
            actor=engineer,
            answer="戴尔二线回复：RAID 卡电池老化，已安排备件，两个工作日内由工程师上门更换。",
            visibility="public",
        ),
    )


def _sweeps(clock: _Clock) -> Scenario:
    """What fell due meanwhile, as the minute sweep would have fired it: reminders, chases,
    late flags."""
    for back in range(20, -1, -1):
        for hour in (9, 12, 17):
            moment = clock.day(back, hour, 1)
            yield moment, lambda m=moment: rma_sweep(now=m)


def rma_demo_create(*, anchor: dt.datetime, users: dict[str, User]) -> None:
    clock = _Clock(anchor)
    stock = _stock(users, clock)
    story = _Story(users)
    vans, main = stock["vans"], stock["main"]
    camera, dome, board, psu = (
        "DS-2CD3T46WDV3-I3",
        "DS-2CD3346WDV3-I",
        "DS-9632N-I8-MB",
        "PSU-12V2A",
    )
    used = [
        ("HDGA", camera, psu, vans["engineer"], 30, 1, "路口摄像头断电"),
        ("HDGA", dome, psu, vans["engineer"], 18, 1, "门厅摄像头黑屏"),
        ("XSWL", "NVR308-32E-B", "ST4000VX016", main, 22, 2, "录像机硬盘告警"),
        ("HDGA", "DS-9664N-I16", "ST4000VX016", main, 8, 2, "录像丢失，硬盘坏道"),
        (
            "RMYY",
            "CloudEngine S6730-H24X6C",
            "SFP-GE-LX-SM1310",
            vans["engineer2"],
            11,
            1,
            "楼宇汇聚链路中断",
        ),
        ("HDGA", "S5130-28S-PWR-EI", "SFP-GE-LX-SM1310", main, 5, 1, "光口频繁闪断"),
        ("RMYY", "PowerEdge R750", "DELL-PSU-750W", main, 14, 1, "服务器电源冗余告警"),
    ]
    replacements = [
        {  # done: shipped, installed, returned, repaired by the vendor, back in stock
            "org": "HDGA",
            "model": camera,
            "part": camera,
            "case": ("3号摄像头夜间无图像", "夜间画面全黑，白天正常"),
            "open": clock.day(26, 9, 10),
            "confirm": clock.day(25, 10, 20),
            "fault": "图像传感器故障，更换摄像机整机",
            "steps": [
                (
                    clock.day(25, 15),
                    "ship",
                    {
                        "replacement_serial": "K902114861",
                        "carrier": "顺丰速运",
                        "tracking_number": "SF1402733610582",
                    },
                ),
                (clock.day(24, 11), "close", "到场更换先行发出的摄像机，图像恢复正常"),
                (clock.day(20, 11), "receive_faulty", {}),
                (
                    clock.day(20, 16),
                    "send_to_repair",
                    {"repair_kind": "vendor", "reference": "HIK-RMA-2026-08817"},
                ),
                (clock.day(13, 10), "receive_repaired", {"note": "厂商更换图像传感器"}),
                (
                    clock.day(13, 14),
                    "inspect",
                    {"passed": True, "note": "通电测试 4 小时，图像正常", "location": main},
                ),
            ],
        },
        {  # installed; the faulty part never came back: chased
            "org": "JXSY",
            "model": camera,
            "part": camera,
            "case": ("教学楼走廊摄像头离线", "摄像机无法上电"),
            "open": clock.day(17, 9, 5),
            "confirm": clock.day(16, 9, 40),
            "fault": "摄像机电源模块损坏，判定整机更换",
            "steps": [
                (
                    clock.day(16, 15, 30),
                    "ship",
                    {
                        "replacement_serial": "K902114862",
                        "carrier": "顺丰速运",
                        "tracking_number": "SF1402733619944",
                    },
                ),
                (clock.day(15, 11), "close", "更换摄像机后恢复在线"),
            ],
        },
        {  # the faulty board is at the vendor for the exchange repair
            "org": "JXSY",
            "model": "DS-9632N-I8",
            "part": board,
            "case": ("录像机反复重启", "NVR 每隔数分钟自动重启"),
            "open": clock.day(7, 10),
            "confirm": clock.day(6, 11),
            "fault": "录像机主板故障，反复重启",
            "steps": [
                (
                    clock.day(6, 16),
                    "ship",
                    {
                        "replacement_serial": "MB96320031",
                        "carrier": "京东物流",
                        "tracking_number": "JDVA20931177421",
                    },
                ),
                (clock.day(3, 10), "receive_faulty", {}),
                (
                    clock.day(3, 14),
                    "send_to_repair",
                    {"repair_kind": "vendor", "reference": "HIK-RMA-2026-09342"},
                ),
            ],
        },
        {  # confirmed today: the desk ships it by 17:00, or by noon tomorrow
            "org": "HDGA",
            "model": dome,
            "part": psu,
            "case": ("值班室半球摄像机反复重启", "摄像机每隔几分钟重启一次"),
            "open": anchor - dt.timedelta(hours=2),
            "confirm": anchor - dt.timedelta(minutes=40),
            "fault": "电源适配器输出电压不足，摄像机反复重启",
        },
    ]
    loans = [
        (
            "HDGA",
            "S5735-L24P4X-A1",
            "2102351QLS10M4000111",
            clock.day(5, 9, 20),
            clock.ahead(6),
            "中关村派出所接入交换机端口故障",
            "原交换机返厂维修期间使用",
        ),
        (
            "HDGA",
            dome,
            "K903550120",
            clock.day(13, 10),
            clock.day(2, 17),
            "户籍室摄像头图像模糊",
            "原摄像机送修期间临时替换",
        ),
    ]
    _run(
        [
            *(_used(story, clock, stock, spec) for spec in used),
            *(_replacement(story, clock, stock, spec) for spec in replacements),
            *(_loan(story, clock, stock, spec) for spec in loans),
            _vendor(story, clock),
            _sweeps(clock),
        ]
    )
