"""Cases that are more than one fault on one device: a platform-wide outage that many callers
report (a master and its duplicates), a complaint, consultations answered on the call (咨询登记)
and one that became a case, and leftover issues that open follow-up cases."""

from aftersales.cases.choices import CaseType, Cause
from aftersales.core.demo.faults import MONITORING, PHONE, Fault
from aftersales.customers.choices import Category

COMPLAINT = Fault(
    key="late",
    asset="",
    title="投诉：维修工程师未按约定时间到场",
    description=(
        "{caller}投诉：约定上午十点上门处理故障，十二点仍未到场，也没有提前告知，耽误了工作。"
    ),
    severities=("P3",),
    cause=Cause.OTHER,
    diagnosis="核实：工程师前一单现场处理超时，未及时告知用户改约。",
    solution="已向用户当面致歉并完成维修；对工程师进行提醒，今后改约必须提前电话告知用户。",
    respond="已联系{caller}核实投诉情况，向用户致歉并重新约定上门时间。",
    case_type=CaseType.COMPLAINT,
    category=Category.OTHER,
    channels=(PHONE,),
)


# Platform-wide faults that many callers report at once: the master case, and the title of the
# duplicates the desk links to it.
OUTAGES: list[tuple[Fault, str]] = [
    (
        Fault(
            key="platform-login",
            asset=Category.VIDEO_PLATFORM,
            title="视频监控平台无法登录，提示连接服务器超时",
            description="指挥中心和各派出所客户端均无法登录综合安防管理平台，提示连接服务器超时。",
            severities=("P1",),
            cause=Cause.SOFTWARE,
            diagnosis="平台数据库服务器磁盘被日志写满，数据库服务停止，登录认证失败。",
            solution=(
                "清理并转储历史日志，扩容日志分区，重启数据库和平台服务；"
                "配置日志轮转和磁盘使用率告警。"
            ),
            remote="经{caller}同意远程登录平台服务器，数据库服务已停止，数据分区使用率 100%。",
            expert="平台整体无法登录，请立即协助处理。",
            channels=(MONITORING,),
            kinds=frozenset({"police"}),
        ),
        "{site}反映平台客户端无法登录",
    ),
    (
        Fault(
            key="platform-stream",
            asset=Category.VIDEO_PLATFORM,
            title="综合安防平台部分派出所无法调阅实时视频",
            description="多个派出所反映平台上打开实时视频提示“取流失败”，录像回放正常。",
            severities=("P2",),
            cause=Cause.SOFTWARE,
            diagnosis="流媒体服务器 2 转发服务异常，分配到该服务器的取流请求超时。",
            solution="重启流媒体转发服务，调整负载均衡策略，各所实时视频恢复。",
            remote="经{caller}同意远程登录流媒体服务器，转发服务线程数异常。",
            expert="部分派出所取流失败，怀疑流媒体转发服务异常，请协助分析。",
            channels=(MONITORING,),
            kinds=frozenset({"police"}),
        ),
        "{site}平台实时视频取流失败",
    ),
]

# What follows a consultation that could not be settled on the call.
RETENTION = Fault(
    key="retention",
    asset=Category.NVR,
    title="申请将教学楼走廊录像保存时间延长至 60 天",
    description="",
    severities=("P4",),
    cause=Cause.OTHER,
    diagnosis="配置变更：调整录像计划和存储配额。",
    solution="教学楼走廊 6 路改为移动侦测录像并调整存储配额，预计可保存 63 天，已请用户确认。",
    onsite="已到网络中心调整录像计划，并给曹老师演示了录像检索。",
    case_type=CaseType.SERVICE_REQUEST,
)

# Leftover issues that open follow-up cases: (the first case's fault, the follow-up).
FOLLOW_UPS = [
    (
        "storage-days",
        Fault(
            key="storage-expansion",
            asset=Category.STORAGE,
            title="遗留问题：录像存储扩容实施",
            description="上一工单提出的扩容方案已获批准，新增 2 台扩展柜，需上门安装并迁移录像卷。",
            severities=("P4",),
            cause=Cause.OTHER,
            diagnosis="扩容实施，需在夜间业务低峰期进行。",
            solution="扩展柜已安装上线，录像卷扩容完成，全部点位可保存 35 天。",
            onsite="扩展柜已上架加电，正在初始化磁盘。",
            case_type=CaseType.SERVICE_REQUEST,
        ),
    ),
    (
        "mosaic",
        Fault(
            key="long-cable",
            asset=Category.CAMERA,
            title="遗留问题：同路段另外两个点位线缆超长需改造",
            description="处理上一工单时发现同一路段另外两个点位网线长度也超过 100 米，偶有丢包。",
            severities=("P4",),
            cause=Cause.CABLING,
            diagnosis="两个点位网线分别为 112 米和 119 米。",
            solution="两个点位加装光纤收发器改为光纤传输，端口无 CRC 错误。",
            case_type=CaseType.SERVICE_REQUEST,
        ),
    ),
]

# Calls answered on the spot (咨询登记): (org code, contact, question, answer, resolved)
CONSULTATIONS = [
    (
        "HDGA",
        "赵磊",
        "客户端上怎么导出某一时间段的录像？",
        "在客户端“录像回放”中选中通道和时间段，点“下载”，按时间段下载为 MP4 即可。",
        True,
    ),
    (
        "HDGA",
        "孙伟",
        "平台登录密码忘了，怎么重置？",
        "由分局平台管理员在“用户管理”中重置密码；已把管理员电话告诉来电人。",
        True,
    ),
    (
        "JXSY",
        "曹颖",
        "期末考试期间能否把教学楼走廊的摄像机录像保存时间延长到 60 天？",
        "可以，需调整录像计划和存储配额，已说明大致做法，用户需要上门配置。",
        False,
    ),
]
