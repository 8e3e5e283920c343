"""Default notification texts of the spare-parts events, in Simplified Chinese and English, on
every channel (in the app, email, SMS, chat robots). Frozen here; administrators' edits are
never overwritten. Reversing removes the rows this seeded, as seeded."""

from django.db import migrations

SIGN = {
    "zh-hans": "\n\n——\n售后服务管理系统（系统自动发送，请勿直接回复）",
    "en": "\n\n--\nAftersales (automatic message, please do not reply)",
}
GREETING = {
    "zh-hans": "{{ recipient.name }}，您好：\n\n",
    "en": "Hello {{ recipient.name }},\n\n",
}
# `url` may name the RMA order's page: the case's own link is `case.url`.
CASE_DETAILS = {
    "zh-hans": (
        "\n\n工单编号：{{ case.number }}\n标题：{{ case.title }}\n客户单位：{{ case.organisation }}"
        "\n当前状态：{{ case.status_label }}\n\n查看工单：{{ case.url }}"
    ),
    "en": (
        "\n\nCase: {{ case.number }}\nTitle: {{ case.title }}\nCustomer: {{ case.organisation }}"
        "\nStatus: {{ case.status_label }}\n\nOpen the case: {{ case.url }}"
    ),
}
CASE_LINE = {
    "zh-hans": "工单 {{ case.number }}：{{ case.title }}（{{ case.organisation }}）",
    "en": "Case {{ case.number }}: {{ case.title }} ({{ case.organisation }})",
}
CASE_LINK = {"zh-hans": "[查看工单]({{ case.url }})", "en": "[Open the case]({{ case.url }})"}
DUE = '{{ due|date:"Y-m-d H:i" }}'
DUE_SHORT = '{{ due|date:"m-d H:i" }}'
RMA_LINK = {"zh-hans": "\n\n处理 RMA：{{ url }}", "en": "\n\nOpen the RMA order: {{ url }}"}

TEXTS = {
    "stock_low": {
        "case": False,
        "subject": {
            "zh-hans": "备件低于安全库存：{{ part_number }}（{{ location }}）",
            "en": "Spare part below its minimum: {{ part_number }} at {{ location }}",
        },
        "lead": {
            "zh-hans": "{{ location }}的备件“{{ part }}”可用数量为 {{ available }}（在库 "
            "{{ on_hand }}），低于安全库存 {{ minimum }}。请及时补货或调拨。\n\n查看库存：{{ url }}",
            "en": "The available quantity of “{{ part }}” at {{ location }} is {{ available }} "
            "({{ on_hand }} on hand), below its minimum of {{ minimum }}. Please reorder or "
            "transfer stock.\n\nSee the stock: {{ url }}",
        },
        "sms": {
            "zh-hans": "备件{{ part_number }}在{{ location }}可用{{ available }}，低于安全库存"
            "{{ minimum }}，请补货。",
            "en": "Spare part {{ part_number }} at {{ location }}: {{ available }} available, "
            "below the minimum of {{ minimum }}.",
        },
        "robot": {
            "zh-hans": "{{ location }}：{{ part }} 可用 {{ available }}，安全库存 {{ minimum }}",
            "en": "{{ location }}: {{ part }}, {{ available }} available, minimum {{ minimum }}",
        },
    },
    "rma_opened": {
        "case": True,
        "subject": {
            "zh-hans": "【RMA】{{ rma }} 待发替换件，须于 " + DUE_SHORT + " 前发出",
            "en": "[RMA] {{ rma }}: ship the replacement by " + DUE_SHORT,
        },
        "lead": {
            "zh-hans": "{{ actor|default:'工程师' }}确认了工单“{{ case.title }}”的硬件故障，需先行"
            "更换备件“{{ part }}”。请于 " + DUE + " 前发出替换件。" + RMA_LINK["zh-hans"],
            "en": "{{ actor|default:'An engineer' }} confirmed a hardware fault on the case "
            "“{{ case.title }}”: the part “{{ part }}” is replaced in advance. Please ship the "
            "replacement by " + DUE + "." + RMA_LINK["en"],
        },
        "sms": {
            "zh-hans": "RMA {{ rma }}：请于" + DUE_SHORT + "前发出替换件{{ part }}。{{ url }}",
            "en": "RMA {{ rma }}: ship the replacement {{ part }} by " + DUE_SHORT + ". {{ url }}",
        },
        "robot": {
            "zh-hans": "备件：{{ part }}，发货期限 " + DUE,
            "en": "Part: {{ part }}, ship by " + DUE,
        },
    },
    "rma_shipped": {
        "case": True,
        "subject": {
            "zh-hans": "替换备件已发出：{{ rma }}",
            "en": "Your replacement part has shipped: {{ rma }}",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”的替换备件“{{ part }}”已发出{% if tracking_number %}"
            "（{{ carrier }} 运单号 {{ tracking_number }}）{% endif %}。请在 " + DUE + " 前将"
            "故障件寄回。",
            "en": "The replacement “{{ part }}” for the case “{{ case.title }}” has shipped"
            "{% if tracking_number %} ({{ carrier }} {{ tracking_number }}){% endif %}. Please "
            "return the faulty part by " + DUE + ".",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}的替换备件已发出{% if tracking_number %}，{{ carrier }}"
            "运单号{{ tracking_number }}{% endif %}。请于" + DUE_SHORT + "前寄回故障件。",
            "en": "Case {{ case.number }}: replacement shipped{% if tracking_number %} "
            "({{ carrier }} {{ tracking_number }}){% endif %}. Return the faulty part by "
            + DUE_SHORT
            + ".",
        },
        "robot": {
            "zh-hans": "备件：{{ part }}；故障件寄回期限 " + DUE,
            "en": "Part: {{ part }}; faulty part due back " + DUE,
        },
    },
    "rma_return_due": {
        "case": True,
        "subject": {
            "zh-hans": "请寄回故障件：{{ rma }}，截止 " + DUE_SHORT,
            "en": "Please return the faulty part of {{ rma }} by " + DUE_SHORT,
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”的替换备件已发出。请在 " + DUE + " 前将故障件"
            "“{{ part }}”寄回。",
            "en": "The replacement for the case “{{ case.title }}” has shipped. Please return the "
            "faulty part “{{ part }}” by " + DUE + ".",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}：请于" + DUE_SHORT + "前寄回故障件{{ part }}。",
            "en": "Case {{ case.number }}: please return the faulty {{ part }} by "
            + DUE_SHORT
            + ".",
        },
        "robot": {
            "zh-hans": "故障件 {{ part }} 寄回期限 " + DUE,
            "en": "Faulty {{ part }} due back " + DUE,
        },
    },
    "rma_return_overdue": {
        "case": True,
        "subject": {
            "zh-hans": "故障件逾期未寄回：{{ rma }}",
            "en": "Faulty part overdue: {{ rma }}",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”的故障件“{{ part }}”应于 " + DUE + " 前寄回，至今"
            "未收到（第 {{ notice }} 次提醒）。请尽快寄回。",
            "en": "The faulty part “{{ part }}” of the case “{{ case.title }}” was due back by "
            + DUE
            + " and has not arrived (reminder {{ notice }}). Please return it as soon as "
            "possible.",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}的故障件{{ part }}已逾期未寄回（应于" + DUE_SHORT + "前"
            "寄回），请尽快寄回。",
            "en": "Case {{ case.number }}: the faulty {{ part }} is overdue (due " + DUE_SHORT + "). "
            "Please return it now.",
        },
        "robot": {
            "zh-hans": "故障件 {{ part }} 逾期未寄回，期限 " + DUE,
            "en": "Faulty {{ part }} overdue, was due " + DUE,
        },
    },
    "rma_overdue": {
        "case": True,
        "subject": {
            "zh-hans": "【RMA】{{ rma }} 超期：{{ target }}",
            "en": "[RMA] {{ rma }} overdue: {{ target }}",
        },
        "lead": {
            "zh-hans": "RMA {{ rma }}（{{ part }}）的“{{ target }}”期限为 " + DUE + "，已超期。"
            + RMA_LINK["zh-hans"],
            "en": "The deadline of RMA {{ rma }} ({{ part }}) for {{ target }} was " + DUE + " and "
            "has passed." + RMA_LINK["en"],
        },
        "sms": {
            "zh-hans": "RMA {{ rma }}超期：{{ target }}，期限" + DUE_SHORT + "。{{ url }}",
            "en": "RMA {{ rma }} overdue: {{ target }}, due " + DUE_SHORT + ". {{ url }}",
        },
        "robot": {
            "zh-hans": "{{ target }}期限 " + DUE + " 已过",
            "en": "{{ target }}: due " + DUE + ", missed",
        },
    },
    "loan_due": {
        "case": True,
        "subject": {
            "zh-hans": "备机 {{ loan }} 将于 " + DUE_SHORT + " 到期归还",
            "en": "Loaner {{ loan }} is due back " + DUE_SHORT,
        },
        "lead": {
            "zh-hans": "借用至{{ site }}的备机“{{ part }}”（序列号 {{ serial_number }}）应于 " + DUE
            + " 归还。如原设备仍未修复，请联系我们延期。",
            "en": "The loaner “{{ part }}” (serial {{ serial_number }}) at {{ site }} is due back "
            + DUE
            + ". If your own device is not repaired yet, ask us to extend the loan.",
        },
        "sms": {
            "zh-hans": "备机{{ part }}（{{ serial_number }}）应于" + DUE_SHORT + "归还。",
            "en": "Loaner {{ part }} ({{ serial_number }}) due back " + DUE_SHORT + ".",
        },
        "robot": {
            "zh-hans": "备机 {{ part }}（{{ serial_number }}）@{{ site }}，归还期限 " + DUE,
            "en": "Loaner {{ part }} ({{ serial_number }}) at {{ site }}, due back " + DUE,
        },
    },
    "loan_overdue": {
        "case": True,
        "subject": {
            "zh-hans": "备机逾期未归还：{{ loan }}",
            "en": "Loaner overdue: {{ loan }}",
        },
        "lead": {
            "zh-hans": "借用至{{ site }}的备机“{{ part }}”（序列号 {{ serial_number }}）应于 " + DUE
            + " 归还，至今未归还（第 {{ notice }} 次提醒）。",
            "en": "The loaner “{{ part }}” (serial {{ serial_number }}) at {{ site }} was due back "
            + DUE
            + " and is not back yet (reminder {{ notice }}).",
        },
        "sms": {
            "zh-hans": "备机{{ part }}（{{ serial_number }}）已逾期未归还（应于" + DUE_SHORT + "归还）。",
            "en": "Loaner {{ part }} ({{ serial_number }}) overdue, was due " + DUE_SHORT + ".",
        },
        "robot": {
            "zh-hans": "备机 {{ part }}（{{ serial_number }}）@{{ site }} 逾期，期限 " + DUE,
            "en": "Loaner {{ part }} ({{ serial_number }}) at {{ site }} overdue, was due " + DUE,
        },
    },
}


def default_templates():
    """(event, channel, language, subject, body) of every default."""
    for event, text in TEXTS.items():
        for language in ("zh-hans", "en"):
            subject, lead = text["subject"][language], text["lead"][language]
            details = CASE_DETAILS[language] if text["case"] else ""
            yield event, "in_app", language, subject, lead
            yield (
                event,
                "email",
                language,
                subject,
                GREETING[language] + lead + details + SIGN[language],
            )
            yield event, "sms", language, "", text["sms"][language]
            lines = [f"**{subject}**"]
            if text["case"]:
                lines.append(CASE_LINE[language])
            lines.append(text["robot"][language])
            if text["case"]:
                lines.append(CASE_LINK[language])
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
        ("notifications", "0006_rma_events"),
        ("rma", "0001_parts_stock_rma_orders_loans_vendor_tickets"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
