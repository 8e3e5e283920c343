"""Field service in the demo dataset: which skills fix which categories, and the on-site
visits of the case stories (dispatched, driven to, logged, signed, reported), told through
the visit services like every other step of a story."""

import datetime as dt
import io
import random
import uuid

from aftersales.accounts.models import Skill, User
from aftersales.core.clock import now
from aftersales.dispatch import services
from aftersales.dispatch.models import CategorySkill, Visit

# Category → the demo's skill codes (core.demo.people.SKILLS) that fix it.
CATEGORY_SKILLS = {
    "camera": ("cctv",),
    "nvr": ("recording",),
    "video_platform": ("platform",),
    "display": ("cctv",),
    "switch": ("network",),
    "router": ("network",),
    "firewall": ("security",),
    "wireless": ("wireless",),
    "server": ("server",),
    "storage": ("server", "recording"),
    "workstation": ("application",),
    "ups": ("ups",),
    "cabling": ("cabling",),
    "software": ("application",),
    "network": ("network",),
    "application": ("application",),
}


def category_skills_create() -> int:
    skills = {skill.code: skill for skill in Skill.objects.all()}
    rows = [
        CategorySkill(category=category, skill=skills[code])
        for category, codes in CATEGORY_SKILLS.items()
        for code in codes
        if code in skills
    ]
    CategorySkill.objects.bulk_create(rows)
    return len(rows)


def signature_png(rng: random.Random) -> bytes:
    """A scribbled signature: a few strokes of a pen, different for every seed."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (360, 140), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x, y = 20, 80
    for _stroke in range(rng.randint(2, 3)):
        points = [(x, y)]
        for _ in range(rng.randint(5, 9)):
            x = min(340, x + rng.randint(10, 30))
            y = max(20, min(120, y + rng.randint(-35, 35)))
            points.append((x, y))
        draw.line(points, fill=(20, 20, 60, 255), width=3, joint="curve")
        x, y = min(320, x + rng.randint(5, 20)), rng.randint(50, 100)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _last(case) -> Visit:
    return Visit.objects.filter(case=case).order_by("-seq").first()


def visit_steps(
    story,
    *,
    dispatcher: User,
    engineer: User,
    signer: str,
    log: list[str],
    fault_found: str,
    work_done: str,
    result: str,
    finish: bool,
    office: bool,
) -> None:
    """Add a visit to `story`: dispatched, on the way, on site with its work log, and, where
    `finish`, signed by the customer's `signer` and the engineer and reported."""
    rng = random.Random(story.rng.random())

    def schedule(case):
        start = now() + dt.timedelta(minutes=rng.choice((30, 45, 60)))
        return services.visit_schedule(
            case=case,
            engineer=engineer,
            start=start,
            end=start + dt.timedelta(hours=2),
            actor=dispatcher,
            purpose=fault_found.split("。")[0] if fault_found else "",
        )

    story.then(story.pause(5, 25), schedule, office=office)
    story.then(
        story.pause(5, 20),
        lambda case: services.visit_depart(visit=_last(case), actor=engineer),
    )
    story.then(
        story.pause(25, 70),
        lambda case: services.visit_arrive(visit=_last(case), actor=engineer),
    )
    for text in log:
        story.then(
            story.pause(5, 30),
            lambda case, text=text: services.visit_log(
                visit=_last(case),
                actor=engineer,
                body=text,
                client_id=uuid.UUID(int=rng.getrandbits(128)),
            ),
        )
    if not finish:
        return
    for role, name in (("customer", signer), ("engineer", str(engineer))):
        story.then(
            story.pause(20, 60) if role == "customer" else 1,
            lambda case, role=role, name=name: services.visit_sign(
                visit=_last(case),
                actor=engineer,
                role=role,
                name=name,
                image=signature_png(rng),
            ),
        )
    story.then(
        2,
        lambda case: services.visit_finish(
            visit=_last(case),
            actor=engineer,
            result=result,
            fault_found=fault_found,
            work_done=work_done,
        ),
    )


# What the sample case documents (`aftersales samples`) say.
SAMPLE_DIAGNOSIS = {
    "site_situation": (
        "到场时设备指示灯正常，平台显示该点位离线；立杆箱内交换机对应端口无链路，"
        "水晶头有明显氧化，箱体密封条老化，箱内潮湿。"
    ),
    "fault_level": "P3",
    "emergency_handling": (
        "现场重新压接水晶头并做防水处理，端口恢复链路，设备重新上线；"
        "临时加装干燥剂，建议下次巡检更换立杆箱密封条。"
    ),
    "diagnosis": "网线水晶头氧化导致链路中断。",
}
SAMPLE_MAJOR_FAULT = {
    "impact": "故障期间该系统业务中断，影响用户日常值守与业务办理。",
    "measures": (
        "1. 复盘故障处理过程，补齐应急预案中缺失的步骤；2. 将相关设备纳入 7×24 监控告警；"
        "3. 每季度巡检时检查冗余与备用设备状态并做切换演练；4. 对值班人员进行一次应急培训。"
    ),
}
