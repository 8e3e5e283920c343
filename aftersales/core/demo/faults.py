"""What goes wrong at the demo's customers, and what the service desk writes about it.

Each fault is a small script of texts; the case stories pick one, pick an asset of its kind at
an organisation that has one, and fill in {site}, {asset}, {model}, {vendor}, {caller}, {ref}
(a vendor's ticket number), {warranty}, {place} (another site of the organisation) and {org}.
"""

from dataclasses import dataclass

from aftersales.cases.choices import CaseType, Cause, Channel, WaitingOn
from aftersales.customers.choices import Category

PHONE, EMAIL, PORTAL, MONITORING = Channel.PHONE, Channel.EMAIL, Channel.PORTAL, Channel.MONITORING


@dataclass(frozen=True)
class Fault:
    key: str
    asset: str  # category of the asset concerned
    title: str
    description: str
    severities: tuple[str, ...]
    cause: str
    diagnosis: str
    solution: str
    respond: str = ""  # the owner's first contact, where the usual words do not fit
    calls: tuple[str, ...] = ()  # public: what was said to the customer
    notes: tuple[str, ...] = ()  # internal
    onsite: str = ""  # public note from the visit
    remote: str = ""  # a remote session, with the customer's consent
    wait: tuple[str, str, str] | None = None  # (on, reason, note on resuming)
    expert: str = ""  # what the expert is asked
    transfer: str = ""  # why the case goes to the application division
    case_type: str = CaseType.FAULT
    category: str = ""  # the case's category where it is not the asset's
    kinds: frozenset[str] = frozenset()  # organisation kinds where it happens; empty: any
    channels: tuple[str, ...] = (PHONE, PHONE, EMAIL, PORTAL)
    customer_note: str = ""  # public, from the customer
    reject: str = ""  # the customer's answer when the fix did not hold
    asset_names: tuple[str, ...] = ()  # only assets whose name has one of these


CAMERA_FAULTS = [
    Fault(
        key="night-black",
        asset=Category.CAMERA,
        title="{site}{asset}夜间画面全黑",
        description=(
            "{caller}反映：{site}{asset}白天图像正常，每天晚上七点以后画面全黑，红外灯不亮，"
            "影响夜间巡查和录像取证。"
        ),
        severities=("P3",),
        cause=Cause.POWER,
        diagnosis="电源适配器老化，带载输出电压仅 9.6V（标称 12V），红外补光灯无法启动。",
        solution=(
            "更换 12V/2A 室外防水电源适配器，当晚复测红外补光正常、夜间画面清晰，"
            "已请{caller}在平台上确认。"
        ),
        calls=(
            "与{caller}电话确认故障现象：白天正常、夜间全黑。初步判断红外补光或供电异常，"
            "约定今天下午上门检查。",
        ),
        notes=("查设备台账：{model}，{warranty}。库里有同规格电源适配器。",),
        onsite="已到现场：红外灯板不亮，测量适配器空载 12.1V、带载 9.6V，判断适配器老化。",
        reject="今晚七点后画面又黑了，请再安排人看一下。",
    ),
    Fault(
        key="offline",
        asset=Category.CAMERA,
        title="{asset}离线，平台显示设备不在线",
        description="平台巡检发现{site}{asset}自今天凌晨起离线，实时视频和录像均中断。",
        severities=("P3", "P3", "P2"),
        cause=Cause.CABLING,
        diagnosis="摄像机供电正常，网线水晶头氧化松动，交换机对应端口无链路。",
        solution="重新压制水晶头并做防水处理，端口恢复千兆链路，设备重新上线，录像补查正常。",
        calls=("已通知{caller}：{asset}离线，工程师今天上门排查，期间该点位无录像。",),
        notes=("交换机上查看该端口 link down，PoE 无输出，怀疑线路问题。",),
        onsite="已到现场：立杆箱内水晶头锈蚀，重新压接后链路恢复。",
        channels=(MONITORING, MONITORING, PHONE),
        reject="今天又掉线了两次，麻烦再检查一下线路。",
    ),
    Fault(
        key="fog",
        asset=Category.CAMERA,
        title="{site}{asset}画面模糊，镜头有水雾",
        description="连续下雨后{site}{asset}画面发白模糊，看不清车牌和人脸，护罩内能看到水汽。",
        severities=("P4", "P3"),
        cause=Cause.ENVIRONMENT,
        diagnosis="护罩密封圈老化，雨水渗入，镜头和护罩玻璃起雾。",
        solution="清洁镜头和护罩玻璃，更换密封圈和干燥剂，重新调整焦距，画面恢复清晰。",
        calls=("与{caller}约定雨停后上门处理，需要使用登高车。",),
        onsite="已到现场：护罩内有积水，密封圈开裂，已更换并放置新干燥剂。",
        customer_note="这个点位是路口主要监控，麻烦尽快处理。",
        asset_names=("枪机", "球机"),
    ),
    Fault(
        key="ptz",
        asset=Category.CAMERA,
        title="{site}{asset}云台无法转动，预置位失效",
        description="{caller}反映{site}{asset}在平台上无法控制转动，预置位和巡航都不起作用。",
        severities=("P3",),
        cause=Cause.HARDWARE,
        diagnosis="球机水平云台电机损坏，上电自检时无法转动，需返厂维修。",
        solution="安装备机并重新设置预置位和巡航路线，故障球机已寄回厂商维修。",
        remote="远程登录球机查看日志：云台自检失败（PT self-check error）。",
        notes=("{model} 在质保期内，按提前换货流程向厂商申请。",),
        wait=(
            WaitingOn.PARTS,
            "云台电机损坏需返厂。已向备件库申请同型号备机，预计两个工作日到货。",
            "备机已到货，安排工程师上门更换。",
        ),
        onsite="已到现场更换备机，重新配置预置位 1-8 和夜间巡航。",
        asset_names=("球机",),
    ),
    Fault(
        key="clock",
        asset=Category.CAMERA,
        title="{asset}录像时间与实际时间相差 8 小时",
        description="调取{site}{asset}录像时发现画面上的时间比实际慢 8 小时，影响按时间检索。",
        severities=("P4",),
        cause=Cause.MISOPERATION,
        diagnosis="设备时区被误设为 UTC，且 NTP 校时服务器地址填写错误。",
        solution="远程修改时区为 GMT+08:00，NTP 指向分局时钟服务器并开启自动校时，已核对时间一致。",
        remote="经{caller}同意远程登录设备，修改时区和 NTP 配置。",
        channels=(PHONE, PORTAL),
    ),
    Fault(
        key="purple",
        asset=Category.CAMERA,
        title="{site}{asset}白天画面偏色发紫",
        description="{site}{asset}白天画面整体偏紫，颜色失真，夜间黑白画面正常。",
        severities=("P3", "P4"),
        cause=Cause.HARDWARE,
        diagnosis="IR-CUT 滤光片切换机构卡死，白天仍处于夜间模式。",
        solution="厂商提前换货的新机已安装调试，画面颜色正常，原机返厂。",
        notes=("该型号同批次已有两台出现类似问题，已反馈{vendor}质量部门。",),
        wait=(
            WaitingOn.VENDOR,
            "已向{vendor}提交提前换货申请，厂商工单号 {ref}，等待厂商发货。",
            "厂商换货设备已到，安排上门安装。",
        ),
    ),
    Fault(
        key="mosaic",
        asset=Category.CAMERA,
        title="{site}{asset}画面频繁卡顿、出现马赛克",
        description="{caller}反映{site}{asset}实时画面经常卡顿、花屏，录像回放也有马赛克。",
        severities=("P3",),
        cause=Cause.NETWORK,
        diagnosis="摄像机至交换机网线长度约 130 米，超过以太网 100 米限制，丢包严重。",
        solution="加装一对光纤收发器改为光纤传输，码流稳定，画面不再卡顿。",
        calls=("已告知{caller}需要现场测线，明天上午到场。",),
        onsite="现场用测线仪测得线长 128 米，端口 CRC 错误持续增长。",
    ),
]

RECORDING_FAULTS = [
    Fault(
        key="nvr-disk",
        asset=Category.NVR,
        title="{site}{asset}硬盘告警，部分通道录像缺失",
        description=(
            "{caller}调取上周录像时发现{site}有 6 路通道录像缺失，录像机前面板硬盘指示灯红色告警。"
        ),
        severities=("P2", "P3"),
        cause=Cause.HARDWARE,
        diagnosis="4 号硬盘 SMART 报错，阵列降级，对应盘组上的通道录像写入失败。",
        solution=(
            "更换 4 号硬盘（监控级 4TB），阵列重建完成，录像计划检查正常。"
            "已向{caller}说明缺失时段的录像无法恢复。"
        ),
        remote="经同意远程登录录像机：4 号盘状态“异常”，阵列降级。",
        notes=("提醒：该录像机其余硬盘通电时间已超过 2 万小时，下次巡检重点检查。",),
        wait=(
            WaitingOn.PARTS,
            "需更换 4TB 监控级硬盘，已提交备件申请，备件库调拨中，预计明天上午到货。",
            "硬盘已到货，工程师上门更换。",
        ),
        channels=(PHONE, MONITORING),
    ),
    Fault(
        key="nvr-reboot",
        asset=Category.NVR,
        title="{site}{asset}频繁自动重启",
        description="{site}{asset}近三天每天自动重启 3-4 次，重启期间所有通道不录像。",
        severities=("P2",),
        cause=Cause.SOFTWARE,
        diagnosis="厂商确认为当前固件在多路 H.265 智能检测同时开启时的内存泄漏问题。",
        solution="升级至厂商提供的修复固件，观察 72 小时未再重启，录像连续。",
        notes=("已导出设备日志和黑匣子信息。",),
        expert="录像机频繁重启，日志里有内存耗尽记录，请协助分析是否为固件问题。",
        wait=(
            WaitingOn.VENDOR,
            "日志已提交{vendor}技术支持（工单号 {ref}），厂商确认为已知固件问题，等待修复版本。",
            "厂商已提供修复固件，安排夜间升级。",
        ),
        channels=(MONITORING, PHONE),
    ),
    Fault(
        key="playback",
        asset=Category.NVR,
        title="{site}录像回放卡顿，无法倍速播放",
        description="{caller}反映在{site}本地调取录像时回放卡顿，4 倍速以上无法播放。",
        severities=("P4", "P3"),
        cause=Cause.CABLING,
        diagnosis="录像机业务网口与交换机协商为百兆，网线一对芯线断。",
        solution="更换网线，端口恢复千兆，回放和倍速播放正常。",
        remote="远程查看录像机网口状态：100M 全双工。",
    ),
    Fault(
        key="storage-days",
        asset=Category.STORAGE,
        title="录像存储空间不足，保存天数不满 30 天",
        description="按要求录像需保存 30 天，{caller}检查发现部分点位只能回看 21 天。",
        severities=("P3",),
        cause=Cause.OTHER,
        diagnosis="二期新增点位后总码流增加约 35%，原存储容量不能满足 30 天保存要求。",
        solution="将部分点位调整为 H.265+ 编码并优化码率，预计可保存 31 天；扩容方案已提交用户。",
        expert="请评估存储容量和码流配置，给出满足 30 天保存的方案。",
        kinds=frozenset({"police"}),
    ),
]

PLATFORM_FAULTS = [
    Fault(
        key="tv-wall",
        asset=Category.VIDEO_PLATFORM,
        title="指挥中心电视墙轮巡失效",
        description="{caller}反映指挥中心电视墙的轮巡计划不执行，画面停在固定通道。",
        severities=("P3",),
        cause=Cause.SOFTWARE,
        diagnosis="平台升级后解码器固件版本与平台不匹配，轮巡指令下发失败。",
        solution="升级解码器固件并重新下发轮巡计划，电视墙轮巡恢复正常。",
        transfer="平台与解码器联动问题，转应用软件事业部处理。",
        kinds=frozenset({"police"}),
    ),
    Fault(
        key="h265",
        asset=Category.VIDEO_PLATFORM,
        title="客户端升级后部分通道无法播放 H.265 视频",
        description="各派出所客户端升级后，H.265 编码的通道打开实时视频黑屏，H.264 通道正常。",
        severities=("P3", "P2"),
        cause=Cause.SOFTWARE,
        diagnosis="客户端新版本 H.265 硬解码与部分显卡驱动不兼容。",
        solution="安装厂商补丁并将客户端切换为软解码，各所复测播放正常。",
        transfer="客户端软件问题，转应用软件事业部跟进。",
        wait=(
            WaitingOn.VENDOR,
            "厂商确认客户端 H.265 解码兼容问题（工单号 {ref}），承诺本周内发布补丁。",
            "厂商补丁已发布，安排各所客户端升级。",
        ),
        kinds=frozenset({"police"}),
    ),
    Fault(
        key="account",
        asset=Category.VIDEO_PLATFORM,
        title="申请新增平台账号并分配{place}通道权限",
        description="新调入民警需要平台账号，仅查看{place}的实时视频和录像。",
        severities=("P4",),
        cause=Cause.OTHER,
        diagnosis="账号申请，需按分局规定提供审批单。",
        solution="已创建账号并按审批单分配{place}通道权限，初始密码已短信告知，首次登录需修改。",
        case_type=CaseType.SERVICE_REQUEST,
        wait=(
            WaitingOn.CUSTOMER,
            "等待用户提供加盖科室公章的账号审批单。",
            "已收到审批单。",
        ),
        kinds=frozenset({"police"}),
        channels=(PORTAL, EMAIL),
    ),
    Fault(
        key="export",
        asset=Category.NVR,
        title="申请调取并导出{site}指定时段录像",
        description="因案件需要，申请导出{site}上周五 14:00-16:00 大门口和停车场的录像。",
        severities=("P4",),
        cause=Cause.OTHER,
        diagnosis="录像调取申请，按调证流程办理。",
        solution="已按调证流程导出录像并刻录光盘两份，由{caller}签收。",
        case_type=CaseType.SERVICE_REQUEST,
        kinds=frozenset({"police"}),
        channels=(PHONE, PORTAL),
    ),
]

NETWORK_FAULTS = [
    Fault(
        key="fibre-flap",
        asset=Category.SWITCH,
        title="{site}{asset}上联光口频繁 up/down",
        description="网管告警{site}{asset}上联光口一天内 up/down 二十多次，下联业务时断时续。",
        severities=("P2", "P3"),
        cause=Cause.HARDWARE,
        diagnosis="光模块收光功率 -23dBm，低于接收灵敏度，光模块老化。",
        solution="更换 SFP 光模块并清洁跳线端面，收光恢复到 -8dBm，端口稳定。",
        remote="远程登录交换机查看光模块诊断信息，收光功率偏低。",
        onsite="已到现场更换光模块，观察 30 分钟无告警。",
        channels=(MONITORING,),
        asset_names=("汇聚", "楼层", "PoE", "接入"),
    ),
    Fault(
        key="loop",
        asset=Category.SWITCH,
        title="{site}网络卡顿，交换机 CPU 占用率高",
        description="{caller}反映{site}上网和业务系统都很卡，网管显示{asset} CPU 占用率 95%。",
        severities=("P2",),
        cause=Cause.MISOPERATION,
        diagnosis="有人私接小交换机形成环路，引起广播风暴。",
        solution="拆除环路，接入交换机开启环路检测，用户端口配置为边缘端口并开启 BPDU 保护。",
        remote="经同意远程登录交换机，发现大量广播报文，定位到 G0/0/17 端口。",
        notes=("建议用户加强终端接入管理，已在巡检报告中提出。",),
        customer_note="已通知各科室不要私接网络设备。",
    ),
    Fault(
        key="poe-budget",
        asset=Category.SWITCH,
        title="{site}多台摄像机反复重启",
        description="{site}新增球机后，同一台交换机下的几台摄像机画面反复中断、重启。",
        severities=("P3",),
        cause=Cause.OTHER,
        diagnosis="{asset}总 PoE 功率超出预算，新增球机加热器启动时功率不足。",
        solution="球机改为本地供电，关闭闲置端口 PoE，交换机 PoE 负载降至 70%，摄像机运行稳定。",
        remote="远程查看{asset} PoE 功率：已用 368W/370W。",
        kinds=frozenset({"police", "park", "school"}),
        asset_names=("PoE",),
    ),
    Fault(
        key="psu",
        asset=Category.SWITCH,
        title="{site}{asset}电源模块告警",
        description="网管告警：{site}{asset} 2 号电源模块故障，设备由 1 号电源单路供电。",
        severities=("P3",),
        cause=Cause.HARDWARE,
        diagnosis="2 号电源模块损坏，设备单电源运行，存在断电风险。",
        solution="热插拔更换电源模块，双电源恢复冗余，业务无中断。",
        notes=("{model} 电源模块需原厂备件。",),
        wait=(
            WaitingOn.PARTS,
            "电源模块需原厂备件，已向{vendor}申请（工单号 {ref}），预计两个工作日到货。",
            "电源模块已到货。",
        ),
        channels=(MONITORING,),
        asset_names=("核心", "汇聚"),
    ),
    Fault(
        key="floor-switch",
        asset=Category.SWITCH,
        title="{site}{asset}宕机，护士站无法上网",
        description="{site}{asset}所在楼层全部终端断网，护士站无法登录 HIS 下医嘱。",
        severities=("P2",),
        cause=Cause.HARDWARE,
        diagnosis="交换机主板故障，上电后无法启动。",
        solution="更换备机并恢复配置，楼层网络恢复；故障交换机已返修。",
        onsite="已到现场：设备指示灯全灭，更换备机中。",
        kinds=frozenset({"hospital"}),
        customer_note="护士站无法下医嘱，请务必尽快恢复！",
        asset_names=("楼层",),
    ),
    Fault(
        key="wifi-drop",
        asset=Category.WIRELESS,
        title="{site}无线网络频繁掉线",
        description="{caller}反映{site}移动护理 PDA 和查房推车经常掉线，需要反复重连。",
        severities=("P3",),
        cause=Cause.NETWORK,
        diagnosis="相邻 AP 信道重叠，同频干扰严重，部分 AP 发射功率过高。",
        solution="重新规划 2.4G/5G 信道，调整 AP 发射功率，开启 5G 优先和漫游优化。",
        remote="经同意远程登录无线控制器，查看 AP 信道利用率超过 80%。",
        expert="无线掉线问题，请协助做信道规划。",
        kinds=frozenset({"hospital", "school"}),
        asset_names=("AP",),
    ),
    Fault(
        key="his-slow",
        asset=Category.FIREWALL,
        title="HIS 系统访问缓慢，门诊挂号收费卡顿",
        description="今天上午门诊高峰期挂号、收费操作明显变慢，每笔要等十几秒。",
        severities=("P2",),
        cause=Cause.NETWORK,
        diagnosis="一台终端中毒大量发包，出口防火墙会话数接近上限。",
        solution="隔离中毒终端并查杀病毒，调整防火墙会话老化时间，增加异常流量告警。",
        remote="经同意远程查看防火墙：并发会话 198 万，接近上限。",
        expert="系统缓慢按故障处理，请协助排查防火墙会话异常。",
        category=Category.NETWORK,
        kinds=frozenset({"hospital"}),
        customer_note="门诊排队的患者很多，请优先处理。",
    ),
    Fault(
        key="pacs-port",
        asset=Category.FIREWALL,
        title="防火墙策略变更申请：开放 PACS 影像调阅端口",
        description="新上线的影像调阅终端需要访问 PACS 服务器 104 和 8080 端口，申请开通策略。",
        severities=("P4",),
        cause=Cause.OTHER,
        diagnosis="变更申请，需信息中心主任签字审批。",
        solution="按审批单新增防火墙策略，已验证影像调阅正常，变更记录已归档。",
        case_type=CaseType.CHANGE,
        wait=(WaitingOn.CUSTOMER, "等待信息中心主任签字的变更审批单。", "审批单已收到。"),
        kinds=frozenset({"hospital"}),
        channels=(EMAIL, PORTAL),
    ),
    Fault(
        key="no-ip",
        asset=Category.SWITCH,
        title="{site}新增电脑无法获取 IP 地址",
        description="{site}新增的几台电脑插上网线后无法获取 IP 地址，其他电脑正常。",
        severities=("P4", "P3"),
        cause=Cause.MISOPERATION,
        diagnosis="新电脑接入的端口未划入业务 VLAN。",
        solution="将端口划入业务 VLAN 并保存配置，电脑已正常获取地址。",
        remote="远程登录{asset}，相关端口仍在默认 VLAN 1。",
        kinds=frozenset({"hospital", "school"}),
        asset_names=("楼层",),
    ),
]

SERVER_FAULTS = [
    Fault(
        key="disk-predict",
        asset=Category.SERVER,
        title="{asset}硬盘预故障告警",
        description="带外管理告警：{site}{asset} 3 号硬盘预故障（Predictive Failure）。",
        severities=("P3",),
        cause=Cause.HARDWARE,
        diagnosis="3 号硬盘坏道增长，RAID 控制器报告预故障。",
        solution="热插拔更换硬盘，RAID 重建完成，带外告警已消除。",
        notes=("已收集带外管理日志。",),
        wait=(
            WaitingOn.VENDOR,
            "已提交{vendor}技术支持（工单号 {ref}），厂商确认提前更换硬盘，等待备件送达。",
            "厂商备件已送达。",
        ),
        channels=(MONITORING,),
    ),
    Fault(
        key="ecc",
        asset=Category.SERVER,
        title="{asset}内存 ECC 错误告警",
        description="带外管理告警：{site}{asset} DIMM B2 可纠正 ECC 错误超过阈值。",
        severities=("P3",),
        cause=Cause.HARDWARE,
        diagnosis="DIMM B2 内存条故障。",
        solution="在停机窗口内更换内存条，开机自检通过，业务恢复正常。",
        wait=(
            WaitingOn.CUSTOMER,
            "更换内存需停机约 30 分钟，等待用户安排停机窗口。",
            "用户确认本周六 22:00 停机更换。",
        ),
        channels=(MONITORING, EMAIL),
    ),
    Fault(
        key="db-disk",
        asset=Category.SERVER,
        title="{asset}系统盘使用率超过 90%",
        description="监控告警：{site}{asset}系统盘使用率 93%，仍在增长。",
        severities=("P3", "P2"),
        cause=Cause.SOFTWARE,
        diagnosis="应用日志未配置轮转，单个日志文件超过 120GB。",
        solution="转储并清理历史日志，配置日志轮转和磁盘使用率告警，系统盘使用率降至 41%。",
        remote="经同意远程登录服务器，定位到大日志文件。",
        transfer="应用日志配置问题，转应用软件事业部。",
        channels=(MONITORING,),
    ),
]

POWER_FAULTS = [
    Fault(
        key="ups-battery",
        asset=Category.UPS,
        title="{site}{asset}电池放电时间不足",
        description="季度巡检放电测试：{site}{asset}仅维持 8 分钟（设计 30 分钟）。",
        severities=("P3",),
        cause=Cause.HARDWARE,
        diagnosis="电池组已使用 5 年，内阻普遍偏高，容量衰减。",
        solution="更换整组电池，放电测试维持 35 分钟，满足设计要求。",
        notes=("电池不在质保范围内，需向用户报价。",),
        wait=(
            WaitingOn.CUSTOMER,
            "已提交电池更换报价，等待用户确认采购。",
            "用户已确认采购，电池到货后安排更换。",
        ),
        channels=(PHONE, EMAIL),
    ),
    Fault(
        key="mains",
        asset=Category.UPS,
        title="{site}{asset}告警：市电异常，已切换电池供电",
        description="监控告警：{site}{asset}输入市电中断，UPS 电池供电，剩余后备时间约 25 分钟。",
        severities=("P1", "P2"),
        cause=Cause.POWER,
        diagnosis="机房配电柜输入断路器跳闸，UPS 本身正常。",
        solution="协调物业查明跳闸原因并恢复市电，UPS 自动切回市电，电池已开始充电。",
        calls=("电话通知{caller}：机房市电中断，请立即联系物业电工。",),
        channels=(MONITORING,),
    ),
]

FAULTS: list[Fault] = [
    *CAMERA_FAULTS,
    *RECORDING_FAULTS,
    *PLATFORM_FAULTS,
    *NETWORK_FAULTS,
    *SERVER_FAULTS,
    *POWER_FAULTS,
]
