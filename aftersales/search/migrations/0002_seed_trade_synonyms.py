from django.db import migrations

# The trade's words that mean the same thing (administrators edit them in the admin).
SYNONYMS = [
    ("摄像头, 摄像机, 网络摄像机, 枪机, 球机, 半球, IPC, camera", "cameras of every shape"),
    ("录像机, 硬盘录像机, 网络硬盘录像机, NVR, DVR, recorder", "video recorders"),
    ("交换机, switch", ""),
    ("核心交换机, core switch", ""),
    ("断网, 掉线, 离线, 不在线, 网络中断, offline, disconnect", "lost from the network"),
    ("无线, 无线网络, WiFi, WLAN, wireless", ""),
    ("黑屏, 无图像, 无视频, 无信号, 没有画面, black screen, no video", "no picture"),
    ("花屏, 马赛克, 图像花屏", "garbled picture"),
    ("画面模糊, 图像模糊, 不清晰, blurry", ""),
    ("卡顿, 延迟, 画面卡, lag", ""),
    ("死机, 宕机, 无响应, hang, crash", ""),
    ("录像丢失, 无法录像, 没有录像, 录像中断", "recordings missing"),
    ("硬盘, 磁盘, HDD, disk", ""),
    ("不间断电源, UPS", ""),
    ("断电, 掉电, 停电, power failure", ""),
    ("光模块, SFP", ""),
    ("光纤收发器, 光电转换器, media converter", ""),
    ("服务器, server", ""),
    ("防火墙, firewall", ""),
    ("路由器, router", ""),
    ("大屏, 拼接屏, 电视墙, video wall", ""),
    ("红外灯, 补光灯, 红外补光", ""),
    ("密码, 口令, password", ""),
    ("告警, 报警, alarm", ""),
    ("重启, 重新启动, reboot, restart", ""),
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for words, note in SYNONYMS:
        Synonym.objects.get_or_create(words=words, defaults={"note": note})


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(words__in=[words for words, _note in SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
