"""Vendors and the model lines of the demo's assets: what an integrator in Beijing installs for
a surveillance, hospital-network or campus project."""

import random

from aftersales.customers.choices import Category
from aftersales.customers.models import AssetModel, Vendor

# code: (name, serial prefix, serial digits)
VENDORS: dict[str, tuple[str, str, int]] = {
    "hikvision": ("海康威视", "K", 9),
    "dahua": ("大华", "7G0", 10),
    "uniview": ("宇视", "210235C", 9),
    "huawei": ("华为", "2102351", 12),
    "h3c": ("新华三 H3C", "219801A", 12),
    "ruijie": ("锐捷网络", "G1", 11),
    "dell": ("戴尔 Dell", "", 0),  # service tags: seven letters and digits
    "inspur": ("浪潮", "21", 10),
    "apc": ("APC 施耐德", "AS", 10),
    "santak": ("山特 Santak", "3C", 10),
}

# key: (vendor, model name, category, description)
MODELS: dict[str, tuple[str, str, str, str]] = {
    "hk-bullet": ("hikvision", "DS-2CD3T46WDV3-I3", Category.CAMERA, "400万 筒型网络摄像机"),
    "hk-dome": ("hikvision", "DS-2CD3346WDV3-I", Category.CAMERA, "400万 半球网络摄像机"),
    "hk-ptz": ("hikvision", "DS-2DE7423IW-A", Category.CAMERA, "400万 23倍 红外网络球机"),
    "hk-face": ("hikvision", "DS-2CD7A47EWD-XZS", Category.CAMERA, "400万 人脸抓拍筒型摄像机"),
    "hk-nvr32": ("hikvision", "DS-9632N-I8", Category.NVR, "32路 8盘位 网络硬盘录像机"),
    "hk-nvr64": ("hikvision", "DS-9664N-I16", Category.NVR, "64路 16盘位 网络硬盘录像机"),
    "hk-decoder": ("hikvision", "DS-6916UD", Category.DISPLAY, "视频综合平台 解码器"),
    "hk-platform": (
        "hikvision",
        "iSecure Center V1.7",
        Category.VIDEO_PLATFORM,
        "综合安防管理平台",
    ),
    "dh-bullet": ("dahua", "DH-IPC-HFW4443M-I2", Category.CAMERA, "400万 红外筒型网络摄像机"),
    "dh-dome": ("dahua", "DH-IPC-HDBW4443R-AS", Category.CAMERA, "400万 红外半球网络摄像机"),
    "dh-ptz": ("dahua", "DH-SD6C3423XB-HNR", Category.CAMERA, "400万 23倍 星光红外球机"),
    "dh-nvr": ("dahua", "DH-NVR5432-4KS2", Category.NVR, "32路 4盘位 网络硬盘录像机"),
    "unv-bullet": ("uniview", "IPC2124LB-SF40KM-G", Category.CAMERA, "400万 红外筒型网络摄像机"),
    "unv-turret": ("uniview", "IPC3614SB-ADF28KM-I0", Category.CAMERA, "400万 半球网络摄像机"),
    "unv-nvr": ("uniview", "NVR308-32E-B", Category.NVR, "32路 8盘位 网络硬盘录像机"),
    "hw-access": ("huawei", "S5735-L24P4X-A1", Category.SWITCH, "24口 千兆PoE+ 接入交换机"),
    "hw-agg": ("huawei", "CloudEngine S6730-H24X6C", Category.SWITCH, "万兆汇聚交换机"),
    "hw-core": ("huawei", "CloudEngine S12700E-4", Category.SWITCH, "园区核心交换机"),
    "hw-fw": ("huawei", "USG6555F", Category.FIREWALL, "下一代防火墙"),
    "hw-ap": ("huawei", "AirEngine 5761-11", Category.WIRELESS, "Wi-Fi 6 室内无线AP"),
    "h3c-poe": ("h3c", "S5130-28S-PWR-EI", Category.SWITCH, "24口 千兆PoE 接入交换机"),
    "h3c-access": ("h3c", "S5130S-28P-EI", Category.SWITCH, "24口 千兆接入交换机"),
    "rj-access": ("ruijie", "RG-S2910-24GT4XS-E", Category.SWITCH, "24口 千兆接入交换机"),
    "rj-agg": ("ruijie", "RG-S5750-48GT4XS-HP", Category.SWITCH, "48口 千兆汇聚交换机"),
    "rj-ap": ("ruijie", "RG-AP720-L", Category.WIRELESS, "室内放装无线AP"),
    "rj-ac": ("ruijie", "RG-WS6008", Category.WIRELESS, "无线控制器"),
    "dell-r740": ("dell", "PowerEdge R740xd", Category.SERVER, "2U 机架式服务器"),
    "dell-r750": ("dell", "PowerEdge R750", Category.SERVER, "2U 机架式服务器"),
    "dell-r650": ("dell", "PowerEdge R650", Category.SERVER, "1U 机架式服务器"),
    "inspur-5280": ("inspur", "NF5280M6", Category.SERVER, "2U 双路机架式服务器"),
    "inspur-as": ("inspur", "AS2600G2", Category.STORAGE, "统一存储"),
    "apc-10k": ("apc", "Smart-UPS SRT 10kVA (SRT10KXLI)", Category.UPS, "在线式UPS"),
    "apc-3k": ("apc", "Smart-UPS 3000 (SMT3000RMI2U)", Category.UPS, "机架式UPS"),
    "santak-10k": ("santak", "C10KS", Category.UPS, "在线式UPS 10kVA"),
    "santak-20k": ("santak", "3C20KS", Category.UPS, "三进单出在线式UPS 20kVA"),
    "santak-3k": ("santak", "C3KS", Category.UPS, "在线式UPS 3kVA"),
}

_TAG_ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZ"


def catalogue_create() -> dict[str, AssetModel]:
    """Create the vendors and models; return the models by key."""
    vendors = {
        code: Vendor.objects.create(code=code, name=name)
        for code, (name, _prefix, _digits) in VENDORS.items()
    }
    return {
        key: AssetModel.objects.create(
            vendor=vendors[vendor], name=name, category=category, description=description
        )
        for key, (vendor, name, category, description) in MODELS.items()
    }


def serial_number(rng: random.Random, vendor_code: str) -> str:
    """A serial number in the vendor's style (not a real device's)."""
    _name, prefix, digits = VENDORS[vendor_code]
    if not digits:
        return "".join(rng.choice(_TAG_ALPHABET) for _ in range(7))
    return prefix + "".join(rng.choice("0123456789") for _ in range(digits))
