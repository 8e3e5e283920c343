"""Fill a PostgreSQL database with a production-sized dataset, fast, through COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \\
        .venv/bin/python bench/seed.py --cases 1000000

N cases (default 1,000,000) over 500 organisations, the largest holding 10% of them, each case
with 10 timeline entries whose digests and chain hashes are computed with
aftersales.audit.chain (so `aftersales audit verify` passes), plus regions, teams, engineers,
contacts, sites, contracts, vendors, asset models, assets and case-asset links.

How it is fast: worker processes build the rows (hashing is the expensive part) as COPY text;
the main process streams them into one transaction on one connection. Inside that transaction
the secondary (non-unique) indexes of the big tables are dropped and recreated after the load,
and foreign-key triggers are off (`session_replication_role = replica`); every foreign key of
the rows written is checked with one anti-join per key before the commit instead. Column names
come from the models' `_meta`, so a nullable column added later is simply left NULL, and a
required column with a default gets its default. Afterwards the tables are vacuumed and
analysed (--no-vacuum: analysed only).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

# Importable both as `bench.seed` (tests) and as a script (`python bench/seed.py`).
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aftersales.audit import chain  # noqa: E402  (pure Python, no Django needed)

ENTRIES_PER_CASE = 10
ASSET_SLOTS = 2  # case-asset link ids are allocated two per case
YEARS = 3
NULL = "\\N"


class SeedError(Exception):
    pass


# --- vocabulary -------------------------------------------------------------------------

CITIES = [
    ("BJ", "北京市", "010", ["海淀区", "朝阳区", "东城区", "西城区", "丰台区", "通州区"]),
    ("SH", "上海市", "021", ["浦东新区", "徐汇区", "静安区", "闵行区", "黄浦区"]),
    ("GZ", "广州市", "020", ["天河区", "越秀区", "海珠区", "白云区", "番禺区"]),
    ("SZ", "深圳市", "0755", ["南山区", "福田区", "罗湖区", "宝安区", "龙岗区"]),
    ("HZ", "杭州市", "0571", ["西湖区", "上城区", "拱墅区", "滨江区", "萧山区"]),
    ("NJ", "南京市", "025", ["玄武区", "鼓楼区", "建邺区", "江宁区", "栖霞区"]),
    ("CD", "成都市", "028", ["锦江区", "青羊区", "武侯区", "成华区", "高新区"]),
    ("WH", "武汉市", "027", ["江岸区", "武昌区", "洪山区", "汉阳区", "江汉区"]),
    ("XA", "西安市", "029", ["雁塔区", "碑林区", "未央区", "莲湖区", "长安区"]),
    ("CQ", "重庆市", "023", ["渝中区", "江北区", "南岸区", "沙坪坝区", "九龙坡区"]),
    ("TJ", "天津市", "022", ["和平区", "河西区", "南开区", "河东区", "滨海新区"]),
    ("CS", "长沙市", "0731", ["岳麓区", "芙蓉区", "天心区", "开福区", "雨花区"]),
]
ORG_KINDS = [
    ("GA", "公安分局", ["派出所", "指挥中心", "卡口", "交巡警大队", "看守所"]),
    ("YY", "人民医院", ["门诊楼", "住院部", "急诊楼", "机房", "停车场"]),
    ("JY", "中学", ["教学楼", "宿舍楼", "图书馆", "校门", "操场"]),
    ("JT", "交通运输局", ["收费站", "路口", "隧道", "服务区", "监控中心"]),
    ("ZF", "人民政府", ["办公楼", "会议中心", "信访大厅", "机房", "档案馆"]),
    ("YH", "农商银行", ["营业网点", "金库", "数据中心", "ATM区", "办公楼"]),
    ("WL", "物流园", ["仓库", "分拣中心", "月台", "门岗", "停车场"]),
    ("SQ", "街道办事处", ["社区服务中心", "小区出入口", "网格中心", "广场", "菜市场"]),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "文博",
    "子涵",
]
JOB_TITLES = [
    "信息科科长",
    "网管",
    "值班员",
    "设备主管",
    "保卫科干事",
    "信息中心主任",
    "运维工程师",
]
VENDORS = [
    ("hikvision", "海康威视", "DS", ["camera", "nvr", "display", "switch"]),
    ("dahua", "大华", "DH", ["camera", "nvr", "display"]),
    ("uniview", "宇视", "UNV", ["camera", "nvr", "video_platform"]),
    ("tiandy", "天地伟业", "TC", ["camera", "nvr"]),
    ("huawei", "华为", "HW", ["switch", "router", "firewall", "wireless", "server", "storage"]),
    ("h3c", "新华三", "H3C", ["switch", "router", "firewall", "wireless", "server"]),
    ("ruijie", "锐捷", "RG", ["switch", "wireless", "router"]),
    ("cisco", "思科", "CSC", ["switch", "router", "firewall"]),
    ("sangfor", "深信服", "SF", ["firewall", "network"]),
    ("inspur", "浪潮", "IP", ["server", "storage"]),
    ("dell", "戴尔", "DL", ["server", "workstation", "storage"]),
    ("lenovo", "联想", "LN", ["workstation", "server"]),
    ("santak", "山特", "ST", ["ups"]),
    ("apc", "APC", "APC", ["ups"]),
    ("seagate", "希捷", "SG", ["storage"]),
    ("fiberhome", "烽火", "FH", ["cabling", "switch"]),
]
# What callers call things, and what goes wrong with them, by category.
DEVICES = {
    "camera": ["摄像头", "球机", "枪机", "半球摄像机", "云台摄像机", "人脸抓拍机"],
    "nvr": ["录像机", "硬盘录像机", "NVR", "存储录像机"],
    "video_platform": ["视频平台", "监控平台", "视频管理服务器"],
    "display": ["拼接屏", "大屏", "解码器", "监视器"],
    "switch": ["交换机", "核心交换机", "接入交换机", "POE交换机", "汇聚交换机"],
    "router": ["路由器", "出口路由器"],
    "firewall": ["防火墙", "网闸"],
    "wireless": ["无线AP", "无线控制器"],
    "server": ["服务器", "数据库服务器", "应用服务器"],
    "storage": ["磁盘阵列", "存储", "硬盘"],
    "workstation": ["工作站", "客户端电脑", "值班电脑"],
    "ups": ["UPS", "电源", "配电箱", "蓄电池组"],
    "cabling": ["光纤", "光模块", "网线", "光缆", "光纤收发器"],
    "software": ["客户端软件", "监控软件", "授权"],
    "network": ["专线", "网络", "VPN"],
    "application": ["业务系统", "门禁系统", "报警系统"],
}
SYMPTOMS = {
    "camera": ["黑屏", "无图像", "画面模糊", "夜视失效", "画面卡顿", "离线", "云台不转", "花屏"],
    "nvr": ["硬盘报警", "录像丢失", "无法回放", "离线", "频繁重启", "通道掉线"],
    "video_platform": ["无法登录", "视频调不出来", "宕机", "响应很慢", "报警"],
    "display": ["黑屏", "花屏", "无信号", "拼缝错位", "部分屏幕不亮"],
    "switch": ["断网", "丢包", "端口down", "环路", "风扇报警", "频繁重启"],
    "router": ["断网", "丢包", "延迟高", "宕机"],
    "firewall": ["断网", "策略失效", "CPU告警", "宕机"],
    "wireless": ["信号弱", "掉线", "无法连接"],
    "server": ["宕机", "蓝屏", "CPU告警", "内存告警", "硬盘故障", "无法登录"],
    "storage": ["硬盘报警", "阵列降级", "空间不足", "读写缓慢"],
    "workstation": ["蓝屏", "无法开机", "卡顿", "中毒"],
    "ups": ["电池告警", "断电", "电源故障", "报警", "市电异常"],
    "cabling": ["光纤中断", "光衰过大", "断网", "丢包"],
    "software": ["闪退", "授权过期", "无法登录", "报错"],
    "network": ["断网", "丢包", "延迟高"],
    "application": ["无法登录", "报错", "数据不同步"],
}
WHEN = ["今天上午", "昨晚", "凌晨", "从上周开始", "刚才", "今天下午", "周末期间", "近几天"]
IMPACT = [
    "影响录像存储",
    "监控中心无法查看",
    "影响正常业务",
    "部分点位无法访问",
    "值班人员无法调阅",
    "影响对外服务",
    "领导要求尽快处理",
    "暂无明显影响",
]
OBSERVED = [
    "已重启无效",
    "指示灯不亮",
    "设备有异响",
    "现场检查供电正常",
    "设备温度过高",
    "网线已重新插拔",
    "其他设备正常",
    "日志中有大量报警",
]
REQUEST = ["请尽快派工程师到场", "请远程协助排查", "可能需要更换备件", "请联系厂家确认", "请回电"]
PARTS = ["电源适配器", "硬盘", "光模块", "主板", "风扇", "镜头", "电池", "网线接头", "内存条"]
NOTES = [
    "已电话联系客户，约定明天上午到场",
    "远程登录查看日志，{device}有{symptom}记录",
    "客户反馈{device}仍然{symptom}",
    "现场检查{device}，怀疑{part}损坏",
    "已申请备件{part}，等待出库",
    "厂家工程师建议升级固件",
    "客户催办，已告知预计处理时间",
    "已更换{part}，观察运行情况",
    "{device}运行稳定，等待客户确认",
]
SOLUTIONS = [
    "更换{part}后恢复正常",
    "重新熔接光纤，光衰恢复正常",
    "升级{device}固件至最新版本",
    "调整{device}配置后恢复",
    "更换硬盘并重建阵列",
    "紧固网线接头，重新配置端口",
    "重启{device}并清理缓存后恢复",
    "更换{device}整机",
]
CAUSES = ["hardware", "cabling", "software", "network", "power", "environment", "vendor"]
CAUSE_WEIGHTS = [35, 15, 15, 12, 10, 5, 8]


# --- COPY text --------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text(value: str) -> str:
    """A string as a COPY text-format field."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def encode(value: Any) -> str:
    """Any Python value as a COPY text-format field."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return text(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return text(json.dumps(value, ensure_ascii=False))
    return text(str(value))


def _ts(moment: dt.datetime) -> str:
    return chain.timestamp(moment)


# --- reference data, shared with the workers ----------------------------------------------


@dataclass
class Org:
    id: int
    code: str
    name: str
    weight: float
    region: int  # index into CITIES
    kind: int  # index into ORG_KINDS
    contacts: list[tuple[int, str, str]] = field(default_factory=list)  # id, name, mobile
    sites: list[tuple[int, str]] = field(default_factory=list)  # id, name
    contracts: list[tuple[int, dt.date, dt.date]] = field(default_factory=list)
    # id, site id, vendor id, category, serial, site name
    assets: list[tuple[int, int, int, str, str, str]] = field(default_factory=list)
    teams: list[int] = field(default_factory=list)  # indexes into Reference.teams


@dataclass
class Reference:
    """What a worker needs to build cases: every id it may point at."""

    orgs: list[Org]
    cum_weights: list[float]
    teams: list[tuple[int, str, list[tuple[int, str]]]]  # id, code, engineers (id, username)
    dispatchers: list[tuple[int, str]]
    managers: list[tuple[int, str]]
    experts: list[tuple[int, str]]
    start: dt.datetime
    now: dt.datetime
    hour_cum: list[float]
    time_zone: str  # case numbers carry the local date, as numbering.py writes them
    total_cases: int
    case_id_base: int
    entry_id_base: int
    link_id_base: int
    number_base: int
    seed: int
    # --all-open: every case open, with its SLA clocks and events (the sweep's benchmark).
    sla: SlaSeed | None = None
    clock_id_base: int = 0
    event_id_base: int = 0


@dataclass
class SlaSeed:
    """The default policy as plain values, for the workers: targets by (metric, severity,
    case type, in warranty), the ladder by severity, the reminders, and its calendar."""

    policy_id: int
    calendar: Any  # aftersales.sla.calendars.WorkingCalendar (pure Python, picklable)
    targets: dict[tuple[str, str, str, bool], int | None]
    ladder: dict[str, list[tuple[int, int]]]  # severity: (level, after minutes)
    reminders: list[int]


CLOCK_SLOTS = 3  # response, cause, resolution: the clocks a case starts with
EVENT_SLOTS = 10  # up to 3 breaches, 5 ladder steps and 2 reminders per case


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _mobile(n: int) -> str:
    """A unique-looking mobile number per n < 10**8."""
    prefix = ("139", "138", "137", "136", "135", "186", "188", "158", "159", "177")[n % 10]
    return f"{prefix}{(n * 7919 + 1234567) % 10**8:08d}"


def _hour_weights(start: dt.datetime, hours: int, zone: ZoneInfo) -> list[float]:
    """Cumulative share of cases per hour: office hours, fewer at weekends, growing business."""
    by_hour = [0.15] * 7 + [0.4, 0.9, 1.6, 1.6, 1.6, 0.9, 0.9, 1.5, 1.5, 1.5, 1.5]
    by_hour += [0.7, 0.7, 0.7, 0.35, 0.35, 0.35]
    cum, total = [], 0.0
    for h in range(hours):
        local = (start + dt.timedelta(hours=h)).astimezone(zone)
        weight = by_hour[local.hour] * (0.45 if local.weekday() >= 5 else 1.0)
        total += weight * (1.0 + 0.6 * h / hours)
        cum.append(total)
    return [c / total for c in cum]


# --- building one chunk of cases (runs in the workers) -----------------------------------

_REF: Reference | None = None


def _init_worker(reference: Reference) -> None:
    global _REF
    _REF = reference


@dataclass
class Chunk:
    index: int
    cases: int
    open_cases: int
    case_rows: bytes
    link_rows: bytes
    entry_rows: bytes
    content_rows: bytes
    links: int
    clock_rows: bytes = b""
    event_rows: bytes = b""
    clocks: int = 0
    events: int = 0
    pending: int = 0  # events not yet fired nor cancelled


def _deadline(resolved_at: dt.datetime) -> dt.datetime:
    """Three working days to confirm, weekends skipped (holidays ignored here)."""
    return resolved_at + dt.timedelta(days=3 if resolved_at.weekday() < 2 else 5)


def _fill(template: str, category: str, rng: random.Random) -> str:
    return template.format(
        device=rng.choice(DEVICES[category]),
        symptom=rng.choice(SYMPTOMS[category]),
        part=rng.choice(PARTS),
    )


def _status_for(age_days: float, rng: random.Random) -> str:
    """Most cases closed; open ones are mostly recent, with a tail of stuck ones."""
    r = rng.random()
    if age_days < 2:
        open_share, resolved_share = 0.85, 0.08
    elif age_days < 14:
        open_share, resolved_share = 0.45, 0.15
    elif age_days < 90:
        open_share, resolved_share = 0.06, 0.01
    else:
        open_share, resolved_share = 0.004, 0.0
    if r < open_share:
        r2 = rng.random()
        if age_days < 1 and r2 < 0.25:
            return "new"
        if r2 < 0.35:
            return "assigned"
        if r2 < 0.75:
            return "in_progress"
        return rng.choice(["waiting_customer", "waiting_vendor", "waiting_parts", "waiting_parts"])
    if r < open_share + resolved_share:
        return "resolved"
    return "cancelled" if rng.random() < 0.03 else "closed"


def _open_status(age_days: float, rng: random.Random) -> str:
    """--all-open: the open states a running clock allows (waiting on the customer pauses the
    clocks, so it is left out), in the proportions of the open cases above."""
    r = rng.random()
    if r < 0.35:
        return "assigned"
    if r < 0.75:
        return "in_progress"
    return rng.choice(["waiting_vendor", "waiting_parts", "waiting_parts"])


def _sla_rows(
    ref: Reference,
    i: int,
    case_id: int,
    severity: str,
    case_type: str,
    in_warranty: bool,
    reported: dt.datetime,
    fields: dict[str, Any],
    dispatcher: int,
) -> tuple[list[str], list[str], int]:
    """The clocks and events of one open case, as the app writes them (sla.services) with
    the default policy: what fell due before `now` is fired (the worker sweeps every minute),
    the rest pending. Fired steps get no timeline entry here (the seeded timelines stay at 10
    entries); the clocks they breached are marked breached."""
    sla = ref.sla
    assert sla is not None
    now, due_of = ref.now, sla.calendar.due
    clock_lines, event_lines = [], []
    pending = 0
    events: list[tuple] = []  # kind, metric, level, base, offset, due, fired, cancelled, data
    for k, metric in enumerate(("response", "cause", "resolution")):
        target = sla.targets.get((metric, severity, case_type, in_warranty))
        due = due_of(reported, target) if target is not None else None
        met = fields["responded_at"] if metric == "response" else None
        breached_at = due if due is not None and due <= (met or now) else None
        clock_lines.append(
            "\t".join(
                map(
                    encode,
                    (
                        ref.clock_id_base + 1 + i * CLOCK_SLOTS + k,
                        case_id,
                        metric,
                        sla.policy_id,
                        reported,
                        target,
                        0,
                        due,
                        met,
                        breached_at is not None,
                        breached_at,
                    ),
                )
            )
            + "\n"
        )
        if due is not None:
            fired = due if breached_at is not None else None
            cancelled = met if fired is None and met is not None else None
            events.append(("breach", metric, None, reported, target, due, fired, cancelled, {}))
    for level, after in sla.ladder.get(severity, []):
        due = due_of(reported, after)
        events.append(
            ("escalation", "", level, reported, after, due, due if due <= now else None, None, {})
        )
    if fields["assigned_at"] is not None:
        assigned, responded = fields["assigned_at"], fields["responded_at"]
        for n, minutes in enumerate(sla.reminders, 1):
            due = due_of(assigned, minutes)
            fired = due if due <= (responded or now) else None
            cancelled = responded if fired is None and responded is not None else None
            data = {"dispatcher": dispatcher}
            events.append(("reminder", "", n, assigned, minutes, due, fired, cancelled, data))
    for slot, row in enumerate(events[:EVENT_SLOTS]):
        kind, metric, level, base, offset, due, fired, cancelled, data = row
        if fired is None and cancelled is None:
            pending += 1
        event_lines.append(
            "\t".join(
                map(
                    encode,
                    (
                        ref.event_id_base + 1 + i * EVENT_SLOTS + slot,
                        case_id,
                        kind,
                        metric,
                        level,
                        base,
                        float(offset),
                        due,
                        fired,
                        cancelled,
                        data,
                    ),
                )
            )
            + "\n"
        )
    return clock_lines, event_lines, pending


def _steps(status: str, rng: random.Random) -> list[str]:
    """The entry kinds of a case that ended in `status`: ENTRIES_PER_CASE of them."""
    fill = ENTRIES_PER_CASE
    if status == "new":
        return ["created"] + ["note"] * (fill - 1)
    if status == "assigned":
        return ["created", "assigned"] + ["note"] * (fill - 2)
    head = ["created", "assigned", "responded"]
    if status == "in_progress":
        return head + [rng.choice(["call", "note"]) for _ in range(fill - 3)]
    if status.startswith("waiting_"):
        return head + [rng.choice(["call", "note"]) for _ in range(fill - 4)] + ["waiting"]
    if status == "cancelled":
        return head + ["note"] * (fill - 4) + ["cancelled"]
    tail = ["cause_confirmed", "resolved"]
    if status == "closed":
        tail += ["confirmed", "closed"]
    middle = fill - len(head) - len(tail)
    if rng.random() < 0.3 and middle >= 2:
        filler = ["waiting"] + ["call"] * (middle - 2) + ["resumed"]
    else:
        filler = [rng.choice(["call", "note", "call"]) for _ in range(middle)]
    return head + filler + tail


# Typical gap before each kind of entry, in hours (scaled by severity).
GAP_HOURS = {
    "assigned": 0.2,
    "responded": 0.5,
    "call": 3.0,
    "note": 6.0,
    "waiting": 4.0,
    "resumed": 30.0,
    "cause_confirmed": 8.0,
    "resolved": 6.0,
    "confirmed": 20.0,
    "closed": 10.0,
    "cancelled": 2.0,
}
SEVERITY_PACE = {"P1": 0.15, "P2": 0.4, "P3": 1.0, "P4": 2.0}


def build_chunk(index: int, first: int, count: int) -> Chunk:
    """Rows for cases first..first+count-1 (0-based over the whole run) as COPY text."""
    ref = _REF
    assert ref is not None
    rng = random.Random(ref.seed * 1_000_003 + index)
    span = (ref.now - ref.start).total_seconds() - 120
    n_total = ref.total_cases
    hours = len(ref.hour_cum)
    zone = ZoneInfo(ref.time_zone)
    case_lines: list[str] = []
    link_lines: list[str] = []
    entry_lines: list[str] = []
    content_lines: list[str] = []
    clock_lines: list[str] = []
    event_lines: list[str] = []
    pending = 0
    open_count = 0
    choices, random_ = rng.choices, rng.random
    for i in range(first, first + count):
        # Stratified and monotonic: case ids, numbers and creation times rise together.
        q = (i + random_()) / n_total
        h = min(bisect.bisect_left(ref.hour_cum, q), hours - 1)
        low = ref.hour_cum[h - 1] if h else 0.0
        frac = (q - low) / ((ref.hour_cum[h] - low) or 1.0)
        created = ref.start + dt.timedelta(seconds=min((h + frac) * 3600.0, span))
        age_days = (ref.now - created).total_seconds() / 86400.0
        case_id = ref.case_id_base + 1 + i
        number = f"{created.astimezone(zone):%Y%m%d}-{ref.number_base + 1 + i:06d}"

        org = choices(ref.orgs, cum_weights=ref.cum_weights)[0]
        status = _open_status(age_days, rng) if ref.sla else _status_for(age_days, rng)
        if status not in ("closed", "cancelled", "resolved"):
            open_count += 1
        severity = choices(("P1", "P2", "P3", "P4"), weights=(2, 13, 55, 30))[0]
        case_type = choices(
            ("fault", "service_request", "consultation", "change", "complaint"),
            weights=(75, 10, 8, 5, 2),
        )[0]
        channel = choices(
            ("phone", "email", "portal", "monitoring", "api", "onsite"),
            weights=(55, 10, 15, 12, 3, 5),
        )[0]

        assets: list[tuple[int, int, int, str, str, str]] = []
        if case_type in ("fault", "change") and org.assets and random_() < 0.8:
            assets.append(rng.choice(org.assets))
            if random_() < 0.12:
                other = rng.choice(org.assets)
                if other[0] != assets[0][0]:
                    assets.append(other)
        site_name = ""
        if assets:
            site_id, vendor_id, category = assets[0][1], assets[0][2], assets[0][3]
            site_name = assets[0][5]
        else:
            site_id = vendor_id = None
            if org.sites and random_() < 0.7:
                site_id, site_name = rng.choice(org.sites)
            category = rng.choice(("camera", "switch", "network", "software", "application"))
        device = rng.choice(DEVICES[category])
        symptom = rng.choice(SYMPTOMS[category])
        spot = f"{rng.randint(1, 40)}号" if random_() < 0.5 else ""
        title = rng.choice(
            (
                f"{site_name}{spot}{device}{symptom}",
                f"{spot}{device}{symptom}",
                f"{site_name}{device}频繁{symptom}",
                f"{device}{symptom}，{rng.choice(IMPACT)}",
            )
        )[:200]
        description = (
            f"{rng.choice(WHEN)}{site_name}{spot}{device}出现{symptom}，{rng.choice(IMPACT)}。"
            f"{rng.choice(OBSERVED)}，{rng.choice(REQUEST)}。"
        )
        contact = rng.choice(org.contacts) if org.contacts else None
        contract = None
        day = created.date()
        for c_id, c_start, c_end in org.contracts:
            if c_start <= day <= c_end:
                contract = c_id
        team_id, team_code, engineers = ref.teams[rng.choice(org.teams)]
        engineer = rng.choice(engineers)
        dispatcher = rng.choice(ref.dispatchers)
        manager = rng.choice(ref.managers)
        reported = (
            created
            if channel == "monitoring"
            else created - dt.timedelta(seconds=rng.randint(0, 1800))
        )

        kinds = _steps(status, rng)
        # Entry times: gaps by kind and severity, squeezed into the time since creation.
        pace = SEVERITY_PACE[severity]
        gaps = [0.0] + [
            rng.expovariate(1.0 / (GAP_HOURS[k] * 3600.0 * pace)) + 30.0 for k in kinds[1:]
        ]
        room = (ref.now - created).total_seconds() - 1.0
        # A third of the confirmations are deemed after the deadline went by unanswered.
        timeout = "confirmed" in kinds and random_() < 0.3
        if timeout:
            c = kinds.index("confirmed")
            resolved_at = created + dt.timedelta(seconds=sum(gaps[:c]))
            gaps[c] = (_deadline(resolved_at) - resolved_at).total_seconds() + rng.randint(60, 900)
            timeout = sum(gaps) <= room
        total_gap = sum(gaps)
        if total_gap > room:
            factor = max(room, 0.0) / total_gap
            gaps = [g * factor for g in gaps]
        times = []
        t = created
        for g in gaps:
            t = t + dt.timedelta(seconds=g)
            times.append(t)

        cause = choices(CAUSES, weights=CAUSE_WEIGHTS)[0]
        fields: dict[str, Any] = {
            "assigned_at": None,
            "responded_at": None,
            "cause": "",
            "diagnosis": "",
            "cause_confirmed_at": None,
            "solution": "",
            "resolved_at": None,
            "resolved_by": None,
            "confirm_deadline": None,
            "confirmed_at": None,
            "confirmation": "",
            "closed_at": None,
            "closed_by": None,
            "team": None,
            "assignee": None,
        }
        previous = chain.GENESIS
        state = "new"
        base_entry = ref.entry_id_base + 1 + i * ENTRIES_PER_CASE
        waiting_on = rng.choice(("customer", "vendor", "parts"))
        if status.startswith("waiting_"):
            waiting_on = status.removeprefix("waiting_")
        for seq, (kind, at) in enumerate(zip(kinds, times, strict=True), start=1):
            visibility = "public"
            body = ""
            data: dict[str, Any]
            target = state
            if kind == "created":
                author = dispatcher[0]
                body = description
                data = {
                    "title": title,
                    "severity": severity,
                    "channel": channel,
                    "case_type": case_type,
                    "reported_at": reported.isoformat(),
                    "assets": [a[4] for a in assets],
                }
            elif kind == "assigned":
                author = dispatcher[0]
                target = "assigned"
                fields["assigned_at"], fields["team"], fields["assignee"] = at, team_id, engineer[0]
                data = {"assignee": engineer[1], "previous": None, "team": team_code}
            elif kind == "responded":
                author = engineer[0]
                target = "in_progress"
                fields["responded_at"] = at
                body = rng.choice(("", "已电话联系客户", "已与现场值班人员沟通"))
                data = {}
            elif kind == "call":
                author = engineer[0]
                body = _fill(rng.choice(NOTES), category, rng)
                data = {"kind": "phone", "minutes": rng.randint(2, 40), "consent": False}
            elif kind == "note":
                author = engineer[0] if state != "new" else dispatcher[0]
                visibility = "internal"
                body = _fill(rng.choice(NOTES), category, rng)
                data = {}
            elif kind == "waiting":
                author = engineer[0]
                target = f"waiting_{waiting_on}"
                body = {"customer": "等待客户确认现场时间", "vendor": "等待厂家技术支持回复"}.get(
                    waiting_on, "等待备件到货"
                )
                data = {"on": waiting_on}
            elif kind == "resumed":
                author = engineer[0]
                target = "in_progress"
                body = "备件已到，继续处理"
                data = {}
            elif kind == "cause_confirmed":
                author = engineer[0]
                diagnosis = f"{device}{rng.choice(PARTS)}故障导致{symptom}"
                fields["cause"], fields["diagnosis"] = cause, diagnosis
                fields["cause_confirmed_at"] = at
                body = diagnosis
                data = {"cause": cause}
            elif kind == "resolved":
                author = engineer[0]
                target = "resolved"
                solution = _fill(rng.choice(SOLUTIONS), category, rng)
                deadline = _deadline(at)
                fields["cause"], fields["solution"] = cause, solution
                fields["resolved_at"], fields["resolved_by"] = at, engineer[0]
                fields["confirm_deadline"] = deadline
                body = solution
                data = {"cause": cause, "confirm_deadline": deadline.isoformat()}
            elif kind == "confirmed":
                if not timeout:
                    author = dispatcher[0]
                    fields["confirmation"], fields["confirmed_at"] = "on_behalf", at
                    data = {"confirmation": "on_behalf", "on_behalf": True}
                else:
                    author = None
                    fields["confirmation"] = "timeout"
                    fields["confirmed_at"] = fields["confirm_deadline"]
                    data = {
                        "confirmation": "timeout",
                        "deadline": fields["confirm_deadline"].isoformat(),
                    }
            elif kind == "closed":
                author = manager[0]
                target = "closed"
                fields["closed_at"], fields["closed_by"] = at, manager[0]
                data = {}
            elif kind == "cancelled":
                author = dispatcher[0]
                target = "cancelled"
                body = rng.choice(("客户重复报修", "误报，设备正常", "客户撤销报修"))
                data = {}
            else:  # pragma: no cover
                raise SeedError(f"unknown entry kind {kind}")
            if target != state:
                data["from"], data["to"] = state, target
                state = target
            digest = chain.content_digest(body=body, data=data)
            at_text = _ts(at)
            previous = chain.link(
                previous=previous,
                case_number=number,
                seq=seq,
                kind=kind,
                visibility=visibility,
                author_id=author,
                created_at=at,
                digest=digest,
            )
            entry_id = base_entry + seq - 1
            author_text = NULL if author is None else author
            entry_lines.append(
                f"{entry_id}\t{case_id}\t{seq}\t{kind}\t{visibility}\t"
                f"{author_text}\t{at_text}\t{digest}\t{previous}\n"
            )
            content_lines.append(
                f"{entry_id}\t{text(body)}\t{text(json.dumps(data, ensure_ascii=False))}\n"
            )
        assert state == status, (state, status)
        for slot, asset in enumerate(assets):
            link_lines.append(
                f"{ref.link_id_base + 1 + i * ASSET_SLOTS + slot}\t{case_id}\t{asset[0]}\n"
            )
        if ref.sla is not None:
            # In warranty, roughly: assets have 36 months from acceptance (see _reference).
            covered = bool(assets)
            rows = _sla_rows(
                ref, i, case_id, severity, case_type, covered, reported, fields, dispatcher[0]
            )
            clock_lines += rows[0]
            event_lines += rows[1]
            pending += rows[2]

        row = (
            case_id,
            number,
            org.id,
            contract,
            site_id,
            contact[0] if contact else None,
            contact[1] if contact else "",
            org.name,
            contact[2] if contact else "",
            channel,
            title,
            description,
            case_type,
            category,
            vendor_id,
            severity,
            status,
            reported,
            created,
            times[-1],
            dispatcher[0],
            fields["team"],
            fields["assignee"],
            fields["assigned_at"],
            fields["responded_at"],
            fields["cause"],
            fields["diagnosis"],
            fields["cause_confirmed_at"],
            fields["solution"],
            fields["resolved_at"],
            fields["resolved_by"],
            fields["confirm_deadline"],
            fields["confirmed_at"],
            fields["confirmation"],
            fields["closed_at"],
            fields["closed_by"],
            previous,
            len(kinds),
        )
        case_lines.append("\t".join(map(encode, row)) + "\n")
    return Chunk(
        index=index,
        cases=count,
        open_cases=open_count,
        case_rows="".join(case_lines).encode(),
        link_rows="".join(link_lines).encode(),
        entry_rows="".join(entry_lines).encode(),
        content_rows="".join(content_lines).encode(),
        links=len(link_lines),
        clock_rows="".join(clock_lines).encode(),
        event_rows="".join(event_lines).encode(),
        clocks=len(clock_lines),
        events=len(event_lines),
        pending=pending,
    )


# The order of `row` above, by model field name.
CASE_FIELDS = [
    "id",
    "number",
    "organisation",
    "contract",
    "site",
    "contact",
    "caller_name",
    "caller_organisation",
    "caller_phone",
    "channel",
    "title",
    "description",
    "case_type",
    "category",
    "vendor",
    "severity",
    "status",
    "reported_at",
    "created_at",
    "updated_at",
    "created_by",
    "team",
    "assignee",
    "assigned_at",
    "responded_at",
    "cause",
    "diagnosis",
    "cause_confirmed_at",
    "solution",
    "resolved_at",
    "resolved_by",
    "confirm_deadline",
    "confirmed_at",
    "confirmation",
    "closed_at",
    "closed_by",
    "timeline_head",
    "timeline_count",
]
ENTRY_FIELDS = [
    "id",
    "case",
    "seq",
    "kind",
    "visibility",
    "author",
    "created_at",
    "digest",
    "chain_hash",
]
CONTENT_FIELDS = ["entry", "body", "data"]
# The order of _sla_rows' rows.
CLOCK_FIELDS = [
    "id",
    "case",
    "metric",
    "policy",
    "started_at",
    "target_minutes",
    "paused_minutes",
    "due_at",
    "met_at",
    "breached",
    "breached_at",
]
EVENT_FIELDS = [
    "id",
    "case",
    "kind",
    "metric",
    "level",
    "base_at",
    "offset_minutes",
    "due_at",
    "fired_at",
    "cancelled_at",
    "data",
]
LINK_FIELDS = ["id", "case", "asset"]


# --- the database side (main process, Django) --------------------------------------------


class Table:
    """COPY into a model's table: the named fields first, then every other required column
    with its model default (a nullable column is left out and so stays NULL)."""

    def __init__(self, model, fields: list[str]):
        from django.db.models import NOT_PROVIDED

        meta = model._meta
        self.model = model
        self.name = meta.db_table
        self.fields = [meta.get_field(name) for name in fields]
        given = {f.name for f in self.fields}
        columns = [f.column for f in self.fields]
        suffix = []
        for f in meta.concrete_fields:
            if f.name in given or f.null or f.db_default is not NOT_PROVIDED:
                continue
            default = f.get_default()
            if default is None:
                raise SeedError(
                    f"{meta.label}.{f.name} is required and has no default: "
                    "teach bench/seed.py what to put there."
                )
            columns.append(f.column)
            suffix.append(encode(default))
        self.columns = columns
        self.suffix = "".join("\t" + s for s in suffix)
        quoted = ", ".join(f'"{c}"' for c in columns)
        self.copy_sql = f'COPY "{self.name}" ({quoted}) FROM STDIN'

    def line(self, values: Iterable[Any]) -> str:
        return "\t".join(map(encode, values)) + self.suffix + "\n"

    def fix_suffix(self, data: bytes) -> bytes:
        """Add the default columns to rows built without them (the workers' rows)."""
        if not self.suffix:
            return data
        tail = (self.suffix + "\n").encode()
        return data.replace(b"\n", tail)


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class Loader:
    """One connection, one transaction, COPY after COPY."""

    def __init__(self, connection, out: TextIO):
        self.connection = connection
        self.raw = connection.connection
        self.out = out
        self.counts = Counts()

    def execute(self, sql: str, params=None):
        with self.raw.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def copy(self, table: Table, data: bytes | str, rows: int) -> None:
        if not rows:
            return
        if isinstance(data, str):
            data = data.encode()
        with self.raw.cursor() as cursor, cursor.copy(table.copy_sql) as copy:
            copy.write(data)
        self.counts.add(table.name, rows)

    def copy_lines(self, table: Table, rows: list[Iterable[Any]]) -> None:
        self.copy(table, "".join(table.line(r) for r in rows), len(rows))

    def max_id(self, model) -> int:
        meta = model._meta
        row = self.execute(f'SELECT COALESCE(MAX("{meta.pk.column}"), 0) FROM "{meta.db_table}"')
        return int(row[0][0])

    def secondary_indexes(self, tables: list[str]) -> list[tuple[str, str]]:
        """Plain indexes of these tables: not primary keys, not unique, not backing a
        constraint. These are the ones dropped during the load and recreated after."""
        return [
            (name, definition)
            for name, definition in self.execute(
                """
                SELECT i.relname, pg_get_indexdef(x.indexrelid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                  AND t.relnamespace = 'public'::regnamespace
                ORDER BY i.relname
                """,
                [tables],
            )
        ]

    def check_foreign_keys(self, model, id_column: str, above: int) -> None:
        """Every foreign key of the rows with `id_column` > above points at a row."""
        meta = model._meta
        for f in meta.concrete_fields:
            if not f.is_relation or f.related_model is None:
                continue
            target = f.related_model._meta
            target_column = f.target_field.column
            missing = self.execute(
                f'SELECT count(*) FROM "{meta.db_table}" c '
                f'LEFT JOIN "{target.db_table}" p ON p."{target_column}" = c."{f.column}" '
                f'WHERE c."{id_column}" > %s AND c."{f.column}" IS NOT NULL '
                f'AND p."{target_column}" IS NULL',
                [above],
            )[0][0]
            if missing:
                raise SeedError(f"{missing} rows of {meta.db_table}.{f.column} point nowhere")

    def reset_identity(self, model) -> None:
        meta = model._meta
        self.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "
            f'GREATEST((SELECT MAX("{meta.pk.column}") FROM "{meta.db_table}"), 1))',
            [meta.db_table, meta.pk.column],
        )


def _say(out: TextIO, message: str) -> None:
    out.write(message + "\n")
    out.flush()


def _allocate(weights: list[float], total: int, minimum: int) -> list[int]:
    """Split `total` by weights (largest remainder), at least `minimum` each."""
    raw = [w * total for w in weights]
    counts = [max(minimum, int(r)) for r in raw]
    rest = total - sum(counts)
    order = sorted(range(len(raw)), key=lambda k: raw[k] - int(raw[k]), reverse=True)
    for k in order[: max(rest, 0)]:
        counts[k] += 1
    return counts


def _reference(
    loader: Loader,
    *,
    organisations: int,
    teams: int,
    engineers: int,
    assets: int,
    largest_share: float,
    now: dt.datetime,
    seed: int,
) -> dict:
    """Write regions, users, teams, organisations and their records; return what the case
    builders need."""
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import Region, Team, User
    from aftersales.accounts.roles import Role
    from aftersales.accounts.services import roles_sync
    from aftersales.customers.models import (
        Asset,
        AssetModel,
        Contact,
        Organisation,
        ServiceContract,
        Site,
        Vendor,
    )

    rng = random.Random(seed)
    if not Group.objects.filter(name=Role.ENGINEER).exists():
        roles_sync()
    groups = dict(Group.objects.values_list("name", "id"))
    start = now - dt.timedelta(days=365 * YEARS)

    # Regions: one per city.
    region_table = Table(Region, ["id", "code", "name"])
    region_base = loader.max_id(Region)
    region_ids = [region_base + 1 + k for k in range(len(CITIES))]
    loader.copy_lines(
        region_table,
        [(rid, f"{c[0].lower()}-{rid}", c[1]) for rid, c in zip(region_ids, CITIES, strict=True)],
    )

    # Staff: dispatchers, managers, engineers (some of them experts too).
    user_table = Table(
        User,
        [
            "id",
            "password",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "is_superuser",
            "date_joined",
            "display_name",
            "phone",
            "region",
        ],
    )
    group_table = Table(User.groups.through, ["id", "user", "group"])
    user_base = loader.max_id(User)
    membership_base = loader.max_id(User.groups.through)
    users, memberships = [], []
    staff: dict[str, list[tuple[int, str]]] = {"dispatcher": [], "manager": [], "engineer": []}
    engineer_regions: list[int] = []
    plan = [("dispatcher", 10), ("manager", 5), ("engineer", engineers)]
    uid = user_base
    for role, how_many in plan:
        for k in range(how_many):
            uid += 1
            username = {"dispatcher": "desk", "manager": "mgr", "engineer": "eng"}[role]
            username = f"{username}{uid}"
            region = k % len(CITIES)
            users.append(
                (
                    uid,
                    "!seeded-user-without-password",
                    username,
                    "",
                    "",
                    f"{username}@aftersales.example",
                    True,
                    True,
                    False,
                    start,
                    _name(rng),
                    _mobile(uid + 50_000_000),
                    region_ids[region],
                )
            )
            staff[role].append((uid, username))
            names = {
                "dispatcher": [Role.DISPATCHER],
                "manager": [Role.DEPARTMENT_MANAGER, Role.RESPONSE_CENTRE_MANAGER],
                "engineer": [Role.ENGINEER] + ([Role.EXPERT] if k % 20 == 0 else []),
            }[role]
            for name in names:
                memberships.append((membership_base + len(memberships) + 1, uid, groups[name]))
            if role == "engineer":
                engineer_regions.append(region)
    loader.copy_lines(user_table, users)
    loader.copy_lines(group_table, memberships)
    experts = [e for k, e in enumerate(staff["engineer"]) if k % 20 == 0]

    # Teams: spread over the regions, engineers split between them.
    team_table = Table(Team, ["id", "code", "name", "kind", "region", "is_active"])
    member_table = Table(Team.members.through, ["id", "team", "user"])
    team_base = loader.max_id(Team)
    member_base = loader.max_id(Team.members.through)
    team_rows, member_rows, team_info = [], [], []
    team_regions: dict[int, list[int]] = {}
    for k in range(teams):
        tid = team_base + 1 + k
        region = k % len(CITIES)
        # One on-site team per city first, then service centres and application teams.
        kind = "onsite" if k < len(CITIES) else ("service_centre", "application")[k % 2]
        label = {"onsite": "现场服务", "service_centre": "服务中心", "application": "应用"}[kind]
        code = f"{CITIES[region][0].lower()}-{kind.replace('_', '-')}-{tid}"
        team_rows.append(
            (
                tid,
                code,
                f"{CITIES[region][1]}{label}{k // len(CITIES) + 1}组",
                kind,
                region_ids[region],
                True,
            )
        )
        members = staff["engineer"][k::teams]
        for m in members:
            member_rows.append((member_base + len(member_rows) + 1, tid, m[0]))
        team_info.append((tid, code, members or staff["engineer"][:1]))
        team_regions.setdefault(region, []).append(k)
    loader.copy_lines(team_table, team_rows)
    loader.copy_lines(member_table, member_rows)

    # Vendors and their models.
    vendor_table = Table(Vendor, ["id", "code", "name", "support_phone"])
    model_table = Table(AssetModel, ["id", "vendor", "name", "category", "description"])
    vendor_base, model_base = loader.max_id(Vendor), loader.max_id(AssetModel)
    vendor_rows, model_rows = [], []
    models_by_vendor: list[list[tuple[int, str]]] = []
    for k, (code, name, prefix, categories) in enumerate(VENDORS):
        vid = vendor_base + 1 + k
        vendor_rows.append((vid, f"{code}-{vid}", name, f"400-{rng.randint(100, 999)}-{vid:04d}"))
        own = []
        for category in categories:
            for n in range(rng.randint(2, 6)):
                mid = model_base + 1 + len(model_rows)
                model_name = f"{prefix}-{category[:2].upper()}{rng.randint(1000, 9999)}-{n}"
                model_rows.append((mid, vid, model_name, category, rng.choice(DEVICES[category])))
                own.append((mid, category))
        models_by_vendor.append(own)
    loader.copy_lines(vendor_table, vendor_rows)
    loader.copy_lines(model_table, model_rows)

    # Organisations: the largest holds `largest_share` of the cases, the rest a long tail.
    # A long tail (k^-s), flattened until the next largest holds under 60% of the largest.
    exponent = 0.7
    while True:
        tail = [1.0 / (k**exponent) for k in range(1, organisations)]
        scale = (1.0 - largest_share) / sum(tail) if tail else 0.0
        if not tail or tail[0] * scale <= 0.6 * largest_share or exponent <= 0:
            break
        exponent = max(exponent - 0.05, 0.0)
    weights = [largest_share if tail else 1.0] + [w * scale for w in tail]
    org_table = Table(
        Organisation,
        ["id", "code", "name", "short_name", "region", "address", "phone", "email", "created_at"],
    )
    org_base = loader.max_id(Organisation)
    orgs: list[Org] = []
    org_rows = []
    for k, weight in enumerate(weights):
        oid = org_base + 1 + k
        region = 0 if k == 0 else rng.randrange(len(CITIES))
        kind = 0 if k == 0 else rng.randrange(len(ORG_KINDS))
        abbr, city, area, districts = CITIES[region]
        district = rng.choice(districts)
        name = (
            f"{city}公安局{district}分局"
            if k == 0
            else f"{city}{district}{'第' + str(rng.randint(1, 9)) if kind in (1, 2) else ''}"
            f"{ORG_KINDS[kind][1]}"
        )
        code = f"{abbr}{ORG_KINDS[kind][0]}{oid:04d}"
        orgs.append(Org(oid, code, name, weight, region, kind))
        org_rows.append(
            (
                oid,
                code,
                name,
                name.replace(city, "")[:50],
                region_ids[region],
                f"{city}{district}{rng.randint(1, 300)}号",
                f"{area}-{(oid * 7907 + 5123457) % 10**8:08d}",
                f"it@{code.lower()}.example",
                start,
            )
        )
    loader.copy_lines(org_table, org_rows)

    # Contacts, sites, contracts, assets: more for the bigger organisations.
    contact_table = Table(
        Contact, ["id", "organisation", "name", "title", "phone", "mobile", "email", "is_primary"]
    )
    site_table = Table(Site, ["id", "organisation", "name", "region", "address", "contact"])
    contract_table = Table(
        ServiceContract,
        ["id", "organisation", "number", "name", "start_date", "end_date", "warranty_months"],
    )
    asset_table = Table(
        Asset,
        [
            "id",
            "organisation",
            "site",
            "model",
            "vendor",
            "serial_number",
            "name",
            "ip_address",
            "contract",
            "install_date",
            "acceptance_date",
        ],
    )
    contact_base, site_base = loader.max_id(Contact), loader.max_id(Site)
    contract_base, asset_base = loader.max_id(ServiceContract), loader.max_id(Asset)
    asset_counts = _allocate(weights, assets, 1 if assets >= len(weights) else 0)
    site_counts = _allocate(weights, max(assets // 20, len(weights)), 1)
    contact_rows, site_rows, contract_rows, asset_rows = [], [], [], []
    for org, n_assets, n_sites in zip(orgs, asset_counts, site_counts, strict=True):
        area = CITIES[org.region][2]
        for c in range(3 + min(int(org.weight * 300), 27)):
            cid = contact_base + 1 + len(contact_rows)
            name = _name(rng)
            mobile = _mobile(cid)
            landline = f"{area}-{(cid * 7901 + 3333331) % 10**8:08d}"
            contact_rows.append(
                (
                    cid,
                    org.id,
                    name,
                    rng.choice(JOB_TITLES),
                    landline,
                    mobile,
                    f"c{cid}@{org.code.lower()}.example",
                    c == 0,
                )
            )
            org.contacts.append((cid, name, mobile))
        place_names = ORG_KINDS[org.kind][2]
        for s in range(n_sites):
            sid = site_base + 1 + len(site_rows)
            name = f"{rng.choice(CITIES[org.region][3])}{rng.choice(place_names)}{s + 1}"
            site_rows.append(
                (
                    sid,
                    org.id,
                    name,
                    region_ids[org.region],
                    f"{CITIES[org.region][1]}{name}",
                    rng.choice(org.contacts)[0],
                )
            )
            org.sites.append((sid, name))
        for year in range(YEARS + 1):
            ctid = contract_base + 1 + len(contract_rows)
            c_start = (start + dt.timedelta(days=365 * year - 30)).date()
            c_end = c_start + dt.timedelta(days=364)
            contract_rows.append(
                (
                    ctid,
                    org.id,
                    f"HT{c_start.year}-{ctid:06d}",
                    f"{org.name}{c_start.year}年度维保合同",
                    c_start,
                    c_end,
                    36,
                )
            )
            org.contracts.append((ctid, c_start, c_end))
        for _a in range(n_assets):
            aid = asset_base + 1 + len(asset_rows)
            vendor_index = rng.randrange(len(VENDORS))
            model_id, category = rng.choice(models_by_vendor[vendor_index])
            vid = vendor_base + 1 + vendor_index
            serial = f"{VENDORS[vendor_index][2]}{2019 + aid % 6}{aid:08d}"
            site_id, site_name = rng.choice(org.sites)
            contract_id, c_start, _end = rng.choice(org.contracts[:2])
            accepted = c_start + dt.timedelta(days=rng.randint(0, 200))
            asset_rows.append(
                (
                    aid,
                    org.id,
                    site_id,
                    model_id,
                    vid,
                    serial,
                    f"{site_name}{rng.randint(1, 60)}号{rng.choice(DEVICES[category])}",
                    f"10.{aid // 65536 % 256}.{aid // 256 % 256}.{aid % 256}",
                    contract_id,
                    accepted - dt.timedelta(days=7),
                    accepted,
                )
            )
            org.assets.append((aid, site_id, vid, category, serial, site_name))
        by_region = team_regions.get(org.region) or list(range(teams))
        # Most work goes to the region's own teams; some to any team (vendor liaison, experts).
        org.teams = by_region * 4 + list(range(teams))
    loader.copy_lines(contact_table, contact_rows)
    loader.copy_lines(site_table, site_rows)
    loader.copy_lines(contract_table, contract_rows)
    loader.copy_lines(asset_table, asset_rows)
    return {
        "orgs": orgs,
        "weights": weights,
        "teams": team_info,
        "dispatchers": staff["dispatcher"],
        "managers": staff["manager"],
        "experts": experts,
        "start": start,
        "models": [
            Region,
            User,
            User.groups.through,
            Team,
            Team.members.through,
            Vendor,
            AssetModel,
            Organisation,
            Contact,
            Site,
            ServiceContract,
            Asset,
        ],
        "bases": {
            Region: region_base,
            User: user_base,
            User.groups.through: membership_base,
            Team: team_base,
            Team.members.through: member_base,
            Vendor: vendor_base,
            AssetModel: model_base,
            Organisation: org_base,
            Contact: contact_base,
            Site: site_base,
            ServiceContract: contract_base,
            Asset: asset_base,
        },
    }


def _sla_seed() -> SlaSeed:
    """The default policy, loaded as the app loads it, as values for the workers."""
    from aftersales.sla.models import SlaPolicy
    from aftersales.sla.selectors import policy_load

    policy = SlaPolicy.objects.select_related("calendar").filter(is_default=True).first()
    if policy is None:
        raise SeedError("--all-open needs the default SLA policy: migrate the database first.")
    loaded = policy_load(policy)
    severities = ("P1", "P2", "P3", "P4")
    types = ("fault", "service_request", "consultation", "change", "complaint")
    return SlaSeed(
        policy_id=policy.pk,
        calendar=loaded.calendar,
        targets={
            (metric, severity, case_type, warranty): loaded.target(
                metric, severity, case_type, warranty
            )
            for metric in ("response", "cause", "resolution")
            for severity in severities
            for case_type in types
            for warranty in (False, True)
        },
        ladder={
            s: [(step.level, step.after_minutes) for step in loaded.steps(s)] for s in severities
        },
        reminders=sorted(int(m) for m in policy.reminder_minutes or []),
    )


def _bounded_ordered(pool, jobs: list[tuple[int, int, int]], depth: int) -> Iterator[Chunk]:
    """Results of build_chunk in order, with at most `depth` chunks in flight."""
    pending = []
    it = iter(jobs)
    for job in it:
        pending.append(pool.apply_async(build_chunk, job))
        if len(pending) >= depth:
            break
    while pending:
        result = pending.pop(0).get()
        job = next(it, None)
        if job is not None:
            pending.append(pool.apply_async(build_chunk, job))
        yield result


@dataclass
class SeedResult:
    cases: int
    open_cases: int
    rows: dict[str, int]
    seconds: float
    phases: dict[str, float]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def seed(
    *,
    cases: int = 1_000_000,
    organisations: int = 500,
    teams: int = 20,
    engineers: int = 200,
    assets: int = 100_000,
    largest_share: float = 0.10,
    workers: int | None = None,
    chunk: int = 2000,
    force: bool = False,
    analyse: bool = True,
    vacuum: bool = True,
    seed_value: int = 20261123,
    all_open: bool = False,
    days: int | None = None,
    out: TextIO = sys.stdout,
) -> SeedResult:
    """Fill the default database. Refuses a database that has cases unless `force`."""
    from django.conf import settings
    from django.db import connection, transaction

    from aftersales.cases.models import Case, TimelineContent, TimelineEntry
    from aftersales.cases.numbering import SEQUENCE
    from aftersales.core.clock import now as clock_now

    if connection.vendor != "postgresql":
        raise SeedError("The seeder writes with PostgreSQL COPY: set DATABASE_URL to PostgreSQL.")
    if cases < 1 or organisations < 1 or teams < 1 or engineers < 1:
        raise SeedError("Cases, organisations, teams and engineers must be at least 1.")
    if Case.objects.exists() and not force:
        raise SeedError(
            f"The database already has {Case.objects.count()} cases: use --force to add more."
        )
    if days is not None and not 1 <= days <= 365 * YEARS:
        raise SeedError(f"--days must be between 1 and {365 * YEARS}.")
    if workers is None:
        workers = os.cpu_count() or 1
    began = time.perf_counter()
    phases: dict[str, float] = {}
    now = clock_now().astimezone(dt.UTC).replace(microsecond=0)
    CaseAssets = Case.assets.through
    case_table = Table(Case, CASE_FIELDS)
    entry_table = Table(TimelineEntry, ENTRY_FIELDS)
    content_table = Table(TimelineContent, CONTENT_FIELDS)
    link_table = Table(CaseAssets, LINK_FIELDS)
    big = [case_table.name, entry_table.name, content_table.name, link_table.name]
    if all_open:
        from aftersales.sla.models import CaseClock, SlaEvent

        clock_table = Table(CaseClock, CLOCK_FIELDS)
        event_table = Table(SlaEvent, EVENT_FIELDS)
        big += [clock_table.name, event_table.name]
        sla = _sla_seed()

    connection.ensure_connection()
    with transaction.atomic():
        loader = Loader(connection, out)
        # Foreign keys are checked once, after the load (check_foreign_keys), not per row.
        loader.execute("SET LOCAL session_replication_role = replica")
        loader.execute("SET LOCAL maintenance_work_mem = '512MB'")
        loader.execute("SET LOCAL synchronous_commit = off")

        t0 = time.perf_counter()
        ref = _reference(
            loader,
            organisations=organisations,
            teams=teams,
            engineers=engineers,
            assets=assets,
            largest_share=largest_share,
            now=now,
            seed=seed_value,
        )
        phases["reference"] = time.perf_counter() - t0
        _say(
            out,
            f"reference data: {len(ref['orgs'])} organisations, {len(ref['teams'])} teams, "
            f"{engineers} engineers, {loader.counts.rows.get('customers_asset', 0)} assets, "
            f"{loader.counts.total} rows in {phases['reference']:.1f}s",
        )

        last = loader.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")[0]
        number_base = int(last[0]) if last[1] else int(last[0]) - 1
        case_base = loader.max_id(Case)
        entry_base = loader.max_id(TimelineEntry)
        link_base = loader.max_id(CaseAssets)
        cum, total = [], 0.0
        for w in ref["weights"]:
            total += w
            cum.append(total)
        # Cases over the whole three years, or the last `days` (a denser recent backlog).
        case_start = ref["start"] if days is None else now - dt.timedelta(days=days)
        hours = int((now - case_start).total_seconds() // 3600)
        reference = Reference(
            orgs=ref["orgs"],
            cum_weights=cum,
            teams=ref["teams"],
            dispatchers=ref["dispatchers"],
            managers=ref["managers"],
            experts=ref["experts"],
            start=case_start,
            now=now,
            hour_cum=_hour_weights(case_start, hours, ZoneInfo(settings.TIME_ZONE)),
            time_zone=settings.TIME_ZONE,
            total_cases=cases,
            case_id_base=case_base,
            entry_id_base=entry_base,
            link_id_base=link_base,
            number_base=number_base,
            seed=seed_value,
        )
        if all_open:
            clock_base, event_base = loader.max_id(CaseClock), loader.max_id(SlaEvent)
            reference.sla = sla
            reference.clock_id_base, reference.event_id_base = clock_base, event_base

        indexes = loader.secondary_indexes(big)
        for name, _definition in indexes:
            loader.execute(f'DROP INDEX "{name}"')
        _say(out, f"dropped {len(indexes)} secondary indexes of {', '.join(big)} for the load")

        t0 = time.perf_counter()
        jobs = [
            (k, start, min(chunk, cases - start)) for k, start in enumerate(range(0, cases, chunk))
        ]
        if workers > 0:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            pool = context.Pool(workers, initializer=_init_worker, initargs=(reference,))
            results: Iterator[Chunk] = _bounded_ordered(pool, jobs, depth=workers * 3)
        else:
            pool = None
            _init_worker(reference)
            results = (build_chunk(*job) for job in jobs)
        done = open_cases = pending = 0
        shown = time.perf_counter()
        try:
            for result in results:
                loader.copy(case_table, case_table.fix_suffix(result.case_rows), result.cases)
                n = result.cases * ENTRIES_PER_CASE
                loader.copy(entry_table, entry_table.fix_suffix(result.entry_rows), n)
                loader.copy(content_table, content_table.fix_suffix(result.content_rows), n)
                loader.copy(link_table, link_table.fix_suffix(result.link_rows), result.links)
                if all_open:
                    loader.copy(
                        clock_table, clock_table.fix_suffix(result.clock_rows), result.clocks
                    )
                    loader.copy(
                        event_table, event_table.fix_suffix(result.event_rows), result.events
                    )
                    pending += result.pending
                done += result.cases
                open_cases += result.open_cases
                moment = time.perf_counter()
                if moment - shown >= 5 or done == cases:
                    shown = moment
                    elapsed = moment - t0
                    rows = sum(loader.counts.rows.get(t, 0) for t in big)
                    eta = elapsed / done * (cases - done)
                    _say(
                        out,
                        f"cases {done:>9,}/{cases:,}  rows {rows:>11,}  "
                        f"{rows / elapsed:>9,.0f} rows/s  {done / elapsed:>7,.0f} cases/s  "
                        f"{elapsed:6.0f}s elapsed, ~{eta:.0f}s to go",
                    )
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
        phases["cases"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        for name, definition in indexes:
            t1 = time.perf_counter()
            loader.execute(definition)
            if time.perf_counter() - t1 > 2:
                _say(out, f"  index {name}: {time.perf_counter() - t1:.1f}s")
        phases["indexes"] = time.perf_counter() - t0
        _say(out, f"recreated {len(indexes)} indexes in {phases['indexes']:.1f}s")

        t0 = time.perf_counter()
        for model, base in ref["bases"].items():
            loader.check_foreign_keys(model, model._meta.pk.column, base)
        loader.check_foreign_keys(Case, "id", case_base)
        loader.check_foreign_keys(TimelineEntry, "id", entry_base)
        loader.check_foreign_keys(TimelineContent, "entry_id", entry_base)
        loader.check_foreign_keys(CaseAssets, "id", link_base)
        sla_models = []
        if all_open:
            loader.check_foreign_keys(CaseClock, "id", clock_base)
            loader.check_foreign_keys(SlaEvent, "id", event_base)
            sla_models = [CaseClock, SlaEvent]
        phases["foreign keys"] = time.perf_counter() - t0
        _say(out, f"checked every foreign key of the new rows in {phases['foreign keys']:.1f}s")

        for model in [*ref["models"], Case, TimelineEntry, CaseAssets, *sla_models]:
            loader.reset_identity(model)
        loader.execute(f"SELECT setval('{SEQUENCE}', %s)", [number_base + cases])
        # SET LOCAL would last to the end of an enclosing transaction (a test's): end it here.
        loader.execute("RESET session_replication_role")
        loader.execute("RESET maintenance_work_mem")
    t0 = time.perf_counter()
    _say(out, "committed")
    if analyse:
        # VACUUM too, by default: it sets the hint bits and the visibility map once, here,
        # rather than on the first reads of the benchmark (index-only scans need the map).
        verb = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
        with connection.cursor() as cursor:
            for table in [*big, *(m._meta.db_table for m in ref["models"])]:
                t1 = time.perf_counter()
                cursor.execute(f'{verb} "{table}"')
                if time.perf_counter() - t1 > 2:
                    _say(out, f"  {verb} {table}: {time.perf_counter() - t1:.1f}s")
        phases["vacuum" if vacuum else "analyze"] = time.perf_counter() - t0
    seconds = time.perf_counter() - began
    result = SeedResult(
        cases=cases,
        open_cases=open_cases,
        rows=dict(loader.counts.rows),
        seconds=seconds,
        phases=phases,
    )
    if all_open:
        _say(out, f"SLA: {pending:,} events pending (due after {now.isoformat()})")
    _say(
        out,
        f"done: {cases:,} cases ({open_cases:,} open), {result.total_rows:,} rows in "
        f"{seconds:.0f}s ({result.total_rows / seconds:,.0f} rows/s); "
        + ", ".join(f"{k} {v:.0f}s" for k, v in phases.items()),
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=500)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--engineers", type=int, default=200)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=None, help="builder processes (0: inline)")
    parser.add_argument("--chunk", type=int, default=2000, help="cases per COPY batch")
    parser.add_argument("--seed", type=int, default=20261123, help="random seed")
    parser.add_argument("--force", action="store_true", help="add to a database that has cases")
    parser.add_argument(
        "--all-open",
        action="store_true",
        help="every case open, with its SLA clocks and events (the SLA sweep benchmark)",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        help="cases reported over the last DAYS days (default: three years)",
    )
    parser.add_argument(
        "--no-vacuum", action="store_true", help="only ANALYZE afterwards, no VACUUM"
    )
    parser.add_argument(
        "--no-analyze", action="store_true", help="neither VACUUM nor ANALYZE afterwards"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    import django

    django.setup()
    try:
        seed(
            cases=args.cases,
            organisations=args.organisations,
            teams=args.teams,
            engineers=args.engineers,
            assets=args.assets,
            workers=args.workers,
            chunk=args.chunk,
            force=args.force,
            analyse=not args.no_analyze,
            vacuum=not args.no_vacuum,
            seed_value=args.seed,
            all_open=args.all_open,
            days=args.days,
        )
    except SeedError as exc:
        print(f"seed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
