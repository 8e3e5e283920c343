"""Default notification texts of feedback's events, in Simplified Chinese and English: the
customer's satisfaction survey (in the app, email, SMS; never to a group robot, the link is
personal) and the quality managers' complaint alert (every channel). Frozen here: later
changes to the defaults come as new migrations, and administrators' edits are never
overwritten. Reversing removes the rows this seeded."""

from django.db import migrations

SIGN = {
    "zh-hans": "\n\n——\n售后服务管理系统（系统自动发送，请勿直接回复）",
    "en": "\n\n--\nAftersales (automatic message, please do not reply)",
}
GREETING = {
    "zh-hans": "{{ recipient.name }}，您好：\n\n",
    "en": "Hello {{ recipient.name }},\n\n",
}
UNTIL = '{{ expires_at|date:"Y-m-d" }}'
MONTH = '{{ month|date:"Y-m" }}'
HISTORY = {
    "zh-hans": "{% for item in history %}\n- {{ item.month|date:'Y-m' }}：{{ item.count }} 件{% endfor %}",
    "en": "{% for item in history %}\n- {{ item.month|date:'Y-m' }}: {{ item.count }}{% endfor %}",
}
SCOPE = {
    "zh-hans": "{% if organisation %}{{ organisation }}{% else %}全部客户{% endif %}",
    "en": "{% if organisation %}{{ organisation }}{% else %}all customers{% endif %}",
}

# (event, channel, language): (subject, body)
TEMPLATES = {
    ("survey", "in_app", "zh-hans"): (
        "请评价工单 {{ case.number }} 的服务",
        "您的工单“{{ case.title }}”已关闭。请花一分钟为本次服务打分（1–5 分），无需登录，"
        "链接仅可使用一次，" + UNTIL + " 前有效。",
    ),
    ("survey", "in_app", "en"): (
        "Please rate our service on case {{ case.number }}",
        "Your case “{{ case.title }}” is closed. Please take a minute to rate our service "
        "(1 to 5), no sign-in needed. The link works once, until " + UNTIL + ".",
    ),
    ("survey", "email", "zh-hans"): (
        "【满意度调查】工单 {{ case.number }} 已关闭，请您评价",
        GREETING["zh-hans"] + "您的工单“{{ case.title }}”（{{ case.number }}）已处理完毕并关闭。"
        "请花一分钟为本次服务打分（1–5 分），无需登录：\n\n{{ url }}\n\n"
        "该链接仅可使用一次，" + UNTIL + " 前有效。感谢您的支持！" + SIGN["zh-hans"],
    ),
    ("survey", "email", "en"): (
        "[Survey] Case {{ case.number }} is closed: how did we do?",
        GREETING["en"] + "Your case “{{ case.title }}” ({{ case.number }}) is resolved and "
        "closed. Please take a minute to rate our service (1 to 5), no sign-in needed:\n\n"
        "{{ url }}\n\nThe link works once, until " + UNTIL + ". Thank you!" + SIGN["en"],
    ),
    ("survey", "sms", "zh-hans"): (
        "",
        "您的工单{{ case.number }}已关闭，请为本次服务打分（无需登录，" + UNTIL + "前有效）：{{ url }}",
    ),
    ("survey", "sms", "en"): (
        "",
        "Case {{ case.number }} is closed. Please rate our service (no sign-in, until "
        + UNTIL
        + "): {{ url }}",
    ),
    ("complaints_rising", "in_app", "zh-hans"): (
        "投诉预警：" + SCOPE["zh-hans"] + " " + MONTH + " 投诉 {{ count }} 件",
        SCOPE["zh-hans"] + "本月（" + MONTH + "）已有 {{ count }} 件投诉，高于前几个月的平均 "
        "{{ average }} 件。" + HISTORY["zh-hans"],
    ),
    ("complaints_rising", "in_app", "en"): (
        "Complaints rising: {{ count }} from " + SCOPE["en"] + " in " + MONTH,
        "This month ("
        + MONTH
        + ") "
        + SCOPE["en"]
        + " made {{ count }} complaint{{ count|pluralize }}, above the average of "
        "{{ average }} of the months before:" + HISTORY["en"],
    ),
    ("complaints_rising", "email", "zh-hans"): (
        "【投诉预警】" + SCOPE["zh-hans"] + " " + MONTH + " 投诉 {{ count }} 件，高于平均",
        GREETING["zh-hans"] + SCOPE["zh-hans"] + "本月（" + MONTH + "）已有 {{ count }} 件投诉，"
        "高于前几个月的平均 {{ average }} 件：" + HISTORY["zh-hans"] + "\n\n请关注服务质量，"
        "查看投诉工单：{{ url }}" + SIGN["zh-hans"],
    ),
    ("complaints_rising", "email", "en"): (
        "[Quality] Complaints rising: {{ count }} from " + SCOPE["en"] + " in " + MONTH,
        GREETING["en"] + "This month (" + MONTH + ") " + SCOPE["en"] + " made {{ count }} "
        "complaint{{ count|pluralize }}, above the average of {{ average }} of the months "
        "before:" + HISTORY["en"] + "\n\nThe complaint cases: {{ url }}" + SIGN["en"],
    ),
    ("complaints_rising", "sms", "zh-hans"): (
        "",
        "投诉预警：" + SCOPE["zh-hans"] + "本月投诉{{ count }}件，高于前几个月平均{{ average }}件。",
    ),
    ("complaints_rising", "sms", "en"): (
        "",
        "Complaints rising: "
        + SCOPE["en"]
        + " made {{ count }} this month, above the average of {{ average }}.",
    ),
    ("complaints_rising", "robot", "zh-hans"): (
        "投诉预警：" + SCOPE["zh-hans"],
        "**投诉预警：" + SCOPE["zh-hans"] + "**\n\n本月（" + MONTH + "）投诉 {{ count }} 件，"
        "前几个月平均 {{ average }} 件。" + HISTORY["zh-hans"],
    ),
    ("complaints_rising", "robot", "en"): (
        "Complaints rising: " + SCOPE["en"],
        "**Complaints rising: "
        + SCOPE["en"]
        + "**\n\n{{ count }} this month ("
        + MONTH
        + "), against an average of {{ average }}."
        + HISTORY["en"],
    ),
}


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    db = schema_editor.connection.alias
    existing = set(
        NotificationTemplate.objects.using(db)
        .filter(event__in={event for event, _channel, _language in TEMPLATES})
        .values_list("event", "channel", "language")
    )
    NotificationTemplate.objects.using(db).bulk_create(
        [
            NotificationTemplate(
                event=event, channel=channel, language=language, subject=subject, body=body
            )
            for (event, channel, language), (subject, body) in TEMPLATES.items()
            if (event, channel, language) not in existing
        ]
    )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    db = schema_editor.connection.alias
    for (event, channel, language), (subject, body) in TEMPLATES.items():
        NotificationTemplate.objects.using(db).filter(
            event=event, channel=channel, language=language, subject=subject, body=body
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_surveys_revisit_plans_revisits"),
        ("notifications", "0002_seed_default_templates"),
        ("notifications", "0003_survey_and_complaint_events"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
