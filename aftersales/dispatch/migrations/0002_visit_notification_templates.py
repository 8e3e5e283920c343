"""Default notification texts of visits, in Simplified Chinese and English, on every channel:
scheduled, rescheduled, cancelled (to the engineer and the customer contact), and the service
report (to the customer). Frozen here; administrators' edits are never overwritten.
Reversing removes the rows this seeded, as seeded."""

from django.db import migrations

SIGN = {
    "zh-hans": "\n\n——\n售后服务管理系统（系统自动发送，请勿直接回复）",
    "en": "\n\n--\nAftersales (automatic message, please do not reply)",
}
GREETING = {
    "zh-hans": "{{ recipient.name }}，您好：\n\n",
    "en": "Hello {{ recipient.name }},\n\n",
}
DETAILS = {
    "zh-hans": (
        "\n\n服务单号：{{ visit_number }}\n工单：{{ case.number }} {{ case.title }}"
        "\n客户单位：{{ case.organisation }}\n地点：{{ site|default:'—' }}"
        "{% if address %}（{{ address }}）{% endif %}"
        "\n工程师：{{ engineer }}{% if engineer_phone %}（{{ engineer_phone }}）{% endif %}"
        "\n\n查看：{{ url }}"
    ),
    "en": (
        "\n\nVisit: {{ visit_number }}\nCase: {{ case.number }} {{ case.title }}"
        "\nCustomer: {{ case.organisation }}\nSite: {{ site|default:'—' }}"
        "{% if address %} ({{ address }}){% endif %}"
        "\nEngineer: {{ engineer }}{% if engineer_phone %} ({{ engineer_phone }}){% endif %}"
        "\n\nOpen: {{ url }}"
    ),
}
LINK = {"zh-hans": "[查看]({{ url }})", "en": "[Open]({{ url }})"}
# The end's day is said only where it is not the start's.
END = (
    "{% if window_start|date:'Ymd' == window_end|date:'Ymd' %}{{ window_end|date:'H:i' }}"
    "{% else %}{{ window_end|date:'m-d H:i' }}{% endif %}"
)
WINDOW = {
    "zh-hans": "{{ window_start|date:'Y-m-d H:i' }}–" + END,
    "en": "{{ window_start|date:'Y-m-d H:i' }}–" + END,
}
WINDOW_SHORT = "{{ window_start|date:'m-d H:i' }}-" + END

TEXTS = {
    "visit_scheduled": {
        "subject": {
            "zh-hans": "上门服务已安排：{{ case.number }}，" + WINDOW["zh-hans"],
            "en": "On-site visit booked: {{ case.number }}, " + WINDOW["en"],
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”已安排上门服务：{{ engineer }} 将于 "
            + WINDOW["zh-hans"]
            + " 到达{{ site|default:'现场' }}。{% if purpose %}\n\n服务内容：{{ purpose }}{% endif %}",
            "en": "An on-site visit is booked for the case “{{ case.title }}”: {{ engineer }} "
            "will be at {{ site|default:'the site' }} between " + WINDOW["en"] + "."
            "{% if purpose %}\n\nTo do: {{ purpose }}{% endif %}",
        },
        "sms": {
            "zh-hans": "上门服务：{{ engineer }}将于" + WINDOW_SHORT + "到{{ site|default:'现场' }}"
            "处理工单{{ case.number }}。{{ url }}",
            "en": "On-site visit: {{ engineer }} at {{ site|default:'the site' }} "
            + WINDOW_SHORT
            + " for case {{ case.number }}. {{ url }}",
        },
        "robot": {
            "zh-hans": "{{ engineer }}，" + WINDOW["zh-hans"] + "，{{ site|default:'—' }}",
            "en": "{{ engineer }}, " + WINDOW["en"] + ", {{ site|default:'—' }}",
        },
    },
    "visit_rescheduled": {
        "subject": {
            "zh-hans": "上门服务时间已变更：{{ case.number }}，" + WINDOW["zh-hans"],
            "en": "On-site visit moved: {{ case.number }}, " + WINDOW["en"],
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”的上门服务已改为 " + WINDOW["zh-hans"]
            + "，工程师：{{ engineer }}。{% if reason %}\n\n原因：{{ reason }}{% endif %}",
            "en": "The on-site visit for the case “{{ case.title }}” is now " + WINDOW["en"]
            + ", engineer {{ engineer }}.{% if reason %}\n\nWhy: {{ reason }}{% endif %}",
        },
        "sms": {
            "zh-hans": "上门服务改期：工单{{ case.number }}改为" + WINDOW_SHORT
            + "，工程师{{ engineer }}。{{ url }}",
            "en": "Visit moved: case {{ case.number }} now " + WINDOW_SHORT
            + ", engineer {{ engineer }}. {{ url }}",
        },
        "robot": {
            "zh-hans": "改为 " + WINDOW["zh-hans"] + "，{{ engineer }}",
            "en": "Now " + WINDOW["en"] + ", {{ engineer }}",
        },
    },
    "visit_cancelled": {
        "subject": {
            "zh-hans": "上门服务已取消：{{ case.number }}",
            "en": "On-site visit cancelled: {{ case.number }}",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”原定 " + WINDOW["zh-hans"]
            + " 的上门服务（{{ engineer }}）已取消。{% if reason %}\n\n原因：{{ reason }}{% endif %}",
            "en": "The on-site visit for the case “{{ case.title }}” booked for " + WINDOW["en"]
            + " ({{ engineer }}) is cancelled.{% if reason %}\n\nWhy: {{ reason }}{% endif %}",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}原定" + WINDOW_SHORT + "的上门服务已取消。",
            "en": "The visit for case {{ case.number }} at " + WINDOW_SHORT + " is cancelled.",
        },
        "robot": {
            "zh-hans": "已取消：" + WINDOW["zh-hans"] + "，{{ engineer }}",
            "en": "Cancelled: " + WINDOW["en"] + ", {{ engineer }}",
        },
    },
    "visit_report": {
        "subject": {
            "zh-hans": "用户服务报告 {{ visit_number }}",
            "en": "Service report {{ visit_number }}",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”的上门服务已完成，您签字确认的用户服务报告"
            "（{{ report }}）已存入工单，可在工单中查看和下载。",
            "en": "The on-site visit for the case “{{ case.title }}” is done. The service report "
            "you signed ({{ report }}) is filed with the case, where you can read and download it.",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}的上门服务已完成，用户服务报告已存入工单。{{ url }}",
            "en": "The visit for case {{ case.number }} is done; its service report is filed "
            "with the case. {{ url }}",
        },
        "robot": {
            "zh-hans": "上门服务完成，报告：{{ report }}",
            "en": "Visit done, report: {{ report }}",
        },
    },
}


def default_templates():
    """(event, channel, language, subject, body) of every default."""
    for event, text in TEXTS.items():
        for language in ("zh-hans", "en"):
            subject, lead = text["subject"][language], text["lead"][language]
            yield event, "in_app", language, subject, lead
            body = GREETING[language] + lead + DETAILS[language] + SIGN[language]
            yield event, "email", language, subject, body
            yield event, "sms", language, "", text["sms"][language]
            lines = [f"**{subject}**", text["robot"][language], LINK[language]]
            yield event, "robot", language, subject, "\n\n".join(lines)


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    db = schema_editor.connection.alias
    existing = set(
        NotificationTemplate.objects.using(db).values_list("event", "channel", "language")
    )
    NotificationTemplate.objects.using(db).bulk_create(
        [
            NotificationTemplate(
                event=event, channel=channel, language=language, subject=subject, body=body
            )
            for event, channel, language, subject, body in default_templates()
            if (event, channel, language) not in existing
        ]
    )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    db = schema_editor.connection.alias
    for event, channel, language, subject, body in default_templates():
        NotificationTemplate.objects.using(db).filter(
            event=event, channel=channel, language=language, subject=subject, body=body
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0001_visits"),
        ("notifications", "0004_visit_events"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
