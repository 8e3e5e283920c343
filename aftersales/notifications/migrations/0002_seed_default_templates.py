"""Default notification texts, in Simplified Chinese and English, for every event on every
channel (in the app, email, SMS, chat robots; no robot text for password resets, which never
go to a group). Frozen here: later changes to the defaults come as new migrations, and
administrators' edits are never overwritten. Reversing removes the rows this seeded."""

from django.db import migrations

SIGN = {
    "zh-hans": "\n\n——\n售后服务管理系统（系统自动发送，请勿直接回复）",
    "en": "\n\n--\nAftersales (automatic message, please do not reply)",
}
GREETING = {
    "zh-hans": "{{ recipient.name }}，您好：\n\n",
    "en": "Hello {{ recipient.name }},\n\n",
}
CASE_DETAILS = {
    "zh-hans": (
        "\n\n工单编号：{{ case.number }}\n标题：{{ case.title }}\n客户单位：{{ case.organisation }}"
        "\n故障级别：{{ case.severity_label }}\n当前状态：{{ case.status_label }}"
        "\n\n查看工单：{{ url }}"
    ),
    "en": (
        "\n\nCase: {{ case.number }}\nTitle: {{ case.title }}\nCustomer: {{ case.organisation }}"
        "\nSeverity: {{ case.severity_label }}\nStatus: {{ case.status_label }}"
        "\n\nOpen the case: {{ url }}"
    ),
}
CASE_LINE = {
    "zh-hans": "{{ case.title }}（{{ case.organisation }}）",
    "en": "{{ case.title }} ({{ case.organisation }})",
}
CASE_LINK = {"zh-hans": "[查看工单]({{ url }})", "en": "[Open the case]({{ url }})"}
DUE = '{{ due|date:"Y-m-d H:i" }}'
DUE_SHORT = '{{ due|date:"m-d H:i" }}'

# event: {"subject", "lead" (email and in-app text), "sms", "robot" (a line for group chats),
# "robot_title" (where the subject speaks to one person)}, each a {language: text} pair. `case` events get the case's details and link in emails and
# robot messages.
TEXTS = {
    "assigned": {
        "case": True,
        "robot_title": {
            "zh-hans": "【{{ case.severity }}】工单 {{ case.number }} 已派单",
            "en": "[{{ case.severity }}] Case {{ case.number }} assigned",
        },
        "subject": {
            "zh-hans": "【{{ case.severity }}】新工单 {{ case.number }} 已派给您",
            "en": "[{{ case.severity }}] Case {{ case.number }} is assigned to you",
        },
        "lead": {
            "zh-hans": "{{ actor|default:'服务台' }}将工单“{{ case.title }}”派给了您。请"
            "{% if due %}在 " + DUE + " 前{% else %}尽快{% endif %}联系客户，并在系统中记录响应。",
            "en": "{{ actor|default:'The service desk' }} assigned the case “{{ case.title }}” "
            "to you. Please contact the customer {% if due %}before " + DUE + "{% else %}"
            "as soon as possible{% endif %} and record your response.",
        },
        "sms": {
            "zh-hans": "【{{ case.severity }}】工单{{ case.number }}已派给您：{{ case.title }}"
            "（{{ case.organisation }}）。请{% if due %}于" + DUE_SHORT + "前{% else %}尽快{% endif %}"
            "联系客户。{{ url }}",
            "en": "[{{ case.severity }}] Case {{ case.number }} assigned to you: {{ case.title }} "
            "({{ case.organisation }}). Contact the customer {% if due %}by " + DUE_SHORT
            + "{% else %}now{% endif %}. {{ url }}",
        },
        "robot": {
            "zh-hans": "处理人：{{ assignee|default:'—' }}",
            "en": "Owner: {{ assignee|default:'—' }}",
        },
    },
    "reminder": {
        "case": True,
        "subject": {
            "zh-hans": "【{{ case.severity }}】提醒：工单 {{ case.number }} 仍未{{ target|default:'响应' }}",
            "en": "[{{ case.severity }}] Reminder: case {{ case.number }} has no "
            "{{ target|default:'response' }} yet",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”{% if assignee %}（处理人：{{ assignee }}）{% endif %}"
            "仍未{{ target|default:'响应' }}{% if due %}，期限为 " + DUE + "{% endif %}。"
            "请跟进，必要时改派。",
            "en": "The case “{{ case.title }}”{% if assignee %} (owner: {{ assignee }}){% endif %} "
            "still has no {{ target|default:'response' }}{% if due %}; the deadline is " + DUE
            + "{% endif %}. Please follow up, and reassign it if needed.",
        },
        "sms": {
            "zh-hans": "【{{ case.severity }}】提醒：工单{{ case.number }}{% if assignee %}"
            "（{{ assignee }}）{% endif %}仍未{{ target|default:'响应' }}"
            "{% if due %}，期限" + DUE_SHORT + "{% endif %}。{{ url }}",
            "en": "[{{ case.severity }}] Reminder: case {{ case.number }}{% if assignee %} "
            "({{ assignee }}){% endif %} has no {{ target|default:'response' }} yet"
            "{% if due %}, due " + DUE_SHORT + "{% endif %}. {{ url }}",
        },
        "robot": {
            "zh-hans": "{% if assignee %}处理人 {{ assignee }} {% endif %}仍未"
            "{{ target|default:'响应' }}{% if due %}，期限 " + DUE_SHORT + "{% endif %}",
            "en": "{% if assignee %}{{ assignee }}: {% endif %}no {{ target|default:'response' }}"
            " yet{% if due %}, due " + DUE_SHORT + "{% endif %}",
        },
    },
    "reassigned": {
        "case": True,
        "subject": {
            "zh-hans": "工单 {{ case.number }} 已改派他人",
            "en": "Case {{ case.number }} was reassigned",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”已改派给{{ assignee|default:'其他工程师' }}，"
            "您无需再处理。",
            "en": "The case “{{ case.title }}” was reassigned to "
            "{{ assignee|default:'another engineer' }}; you no longer need to work on it.",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}已改派给{{ assignee|default:'其他工程师' }}，您无需再处理。",
            "en": "Case {{ case.number }} was reassigned to {{ assignee|default:'another engineer' }}.",
        },
        "robot": {
            "zh-hans": "改派给：{{ assignee|default:'—' }}",
            "en": "Reassigned to: {{ assignee|default:'—' }}",
        },
    },
    "escalated": {
        "case": True,
        "subject": {
            "zh-hans": "【{{ case.severity }}】工单 {{ case.number }} 已升级"
            "{% if level %}（第{{ level }}级）{% endif %}",
            "en": "[{{ case.severity }}] Case {{ case.number }} escalated"
            "{% if level %} to level {{ level }}{% endif %}",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”自 {{ case.reported_at|date:'Y-m-d H:i' }} 报告以来"
            "仍未确诊，已按服务级别协议升级{% if role %}至{{ role }}{% endif %}。请关注并协调处理。",
            "en": "The case “{{ case.title }}”, reported {{ case.reported_at|date:'Y-m-d H:i' }}, "
            "still has no confirmed cause and is escalated{% if role %} to the {{ role }}{% endif %}"
            " under the service agreement. Please follow it up.",
        },
        "sms": {
            "zh-hans": "【{{ case.severity }}】工单{{ case.number }}已升级{% if role %}至{{ role }}"
            "{% endif %}：{{ case.title }}（{{ case.organisation }}）仍未确诊。{{ url }}",
            "en": "[{{ case.severity }}] Case {{ case.number }} escalated{% if role %} to the "
            "{{ role }}{% endif %}: {{ case.title }} ({{ case.organisation }}), no cause yet. "
            "{{ url }}",
        },
        "robot": {
            "zh-hans": "仍未确诊，已升级{% if role %}至{{ role }}{% endif %}",
            "en": "No cause yet: escalated{% if role %} to the {{ role }}{% endif %}",
        },
    },
    "breached": {
        "case": True,
        "subject": {
            "zh-hans": "【{{ case.severity }}】工单 {{ case.number }} 已超出{{ target|default:'服务' }}时限",
            "en": "[{{ case.severity }}] Case {{ case.number }} missed its "
            "{{ target|default:'service' }} target",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”的{{ target|default:'服务' }}时限"
            "{% if due %}（" + DUE + "）{% endif %}已过，已记为超时。请尽快处理。",
            "en": "The {{ target|default:'service' }} target of the case “{{ case.title }}”"
            "{% if due %} ({{ due|date:'Y-m-d H:i' }}){% endif %} has passed and is recorded as "
            "breached. Please act now.",
        },
        "sms": {
            "zh-hans": "【{{ case.severity }}】工单{{ case.number }}已超出{{ target|default:'服务' }}"
            "时限：{{ case.title }}（{{ case.organisation }}）。{{ url }}",
            "en": "[{{ case.severity }}] Case {{ case.number }} missed its "
            "{{ target|default:'service' }} target: {{ case.title }} ({{ case.organisation }}). "
            "{{ url }}",
        },
        "robot": {
            "zh-hans": "{{ target|default:'服务' }}时限已过{% if due %}（" + DUE_SHORT + "）{% endif %}",
            "en": "{{ target|default:'service' }} target missed"
            "{% if due %} ({{ due|date:'m-d H:i' }}){% endif %}",
        },
    },
    "transferred": {
        "case": True,
        "robot_title": {
            "zh-hans": "工单 {{ case.number }} 已转交",
            "en": "Case {{ case.number }} transferred",
        },
        "subject": {
            "zh-hans": "工单 {{ case.number }} 已转交给您",
            "en": "Case {{ case.number }} is transferred to you",
        },
        "lead": {
            "zh-hans": "{{ actor|default:'同事' }}将工单“{{ case.title }}”转交给"
            "{% if team %}{{ team }}的{% endif %}您{% if reason %}，原因：{{ reason }}{% endif %}。"
            "请尽快联系客户。",
            "en": "{{ actor|default:'A colleague' }} transferred the case “{{ case.title }}” to "
            "you{% if team %} in {{ team }}{% endif %}{% if reason %}. Reason: {{ reason }}"
            "{% endif %}. Please contact the customer soon.",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}已转交给您：{{ case.title }}（{{ case.organisation }}）。"
            "{{ url }}",
            "en": "Case {{ case.number }} transferred to you: {{ case.title }} "
            "({{ case.organisation }}). {{ url }}",
        },
        "robot": {
            "zh-hans": "转交给：{% if team %}{{ team }} / {% endif %}{{ assignee|default:'—' }}",
            "en": "Transferred to: {% if team %}{{ team }} / {% endif %}{{ assignee|default:'—' }}",
        },
    },
    "expert": {
        "case": True,
        "subject": {
            "zh-hans": "工单 {{ case.number }} 请求专家支持",
            "en": "Case {{ case.number }} needs your expertise",
        },
        "lead": {
            "zh-hans": "{{ actor|default:'工程师' }}请您支持工单“{{ case.title }}”"
            "{% if reason %}：{{ reason }}{% else %}。{% endif %}",
            "en": "{{ actor|default:'An engineer' }} asks for your help on the case "
            "“{{ case.title }}”{% if reason %}: {{ reason }}{% else %}.{% endif %}",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}请求您的专家支持：{{ case.title }}。{{ url }}",
            "en": "Case {{ case.number }} needs your expertise: {{ case.title }}. {{ url }}",
        },
        "robot": {
            "zh-hans": "已请专家支持：{{ expert|default:'—' }}",
            "en": "Expert asked: {{ expert|default:'—' }}",
        },
    },
    "resolved": {
        "case": True,
        "robot_title": {
            "zh-hans": "工单 {{ case.number }} 已解决",
            "en": "Case {{ case.number }} resolved",
        },
        "subject": {
            "zh-hans": "您的服务请求 {{ case.number }} 已处理完毕，请确认",
            "en": "Your request {{ case.number }} is resolved: please confirm",
        },
        "lead": {
            "zh-hans": "您报告的问题“{{ case.title }}”已处理完毕。{% if solution %}\n\n处理结果："
            "{{ solution }}\n\n{% endif %}请登录系统确认；如问题仍未解决，请拒绝并说明情况。"
            "{% if confirm_deadline %}若在 {{ confirm_deadline|date:'Y-m-d H:i' }} 前未确认，"
            "将视为已确认。{% endif %}",
            "en": "The problem you reported, “{{ case.title }}”, is resolved.{% if solution %}"
            "\n\nWhat we did: {{ solution }}\n\n{% else %} {% endif %}Please sign in to confirm, "
            "or reject the resolution and tell us what is still wrong.{% if confirm_deadline %} "
            "Without an answer by {{ confirm_deadline|date:'Y-m-d H:i' }}, it counts as "
            "confirmed.{% endif %}",
        },
        "sms": {
            "zh-hans": "您的服务请求{{ case.number }}（{{ case.title }}）已处理完毕，请登录确认。{{ url }}",
            "en": "Your request {{ case.number }} ({{ case.title }}) is resolved; please sign in "
            "to confirm. {{ url }}",
        },
        "robot": {
            "zh-hans": "已解决，待客户确认",
            "en": "Resolved, waiting for the customer's confirmation",
        },
    },
    "confirmed": {
        "case": True,
        "subject": {
            "zh-hans": "工单 {{ case.number }} 的处理结果已确认",
            "en": "The resolution of case {{ case.number }} is confirmed",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”的处理结果已确认，可以关闭。",
            "en": "The resolution of the case “{{ case.title }}” is confirmed; the case can be "
            "closed.",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}的处理结果已确认，可以关闭。{{ url }}",
            "en": "The resolution of case {{ case.number }} is confirmed. {{ url }}",
        },
        "robot": {
            "zh-hans": "处理结果已确认，待关闭",
            "en": "Resolution confirmed, ready to close",
        },
    },
    "rejected": {
        "case": True,
        "subject": {
            "zh-hans": "【{{ case.severity }}】工单 {{ case.number }} 的处理结果被拒绝",
            "en": "[{{ case.severity }}] The resolution of case {{ case.number }} was rejected",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”的处理结果未被认可{% if reason %}：{{ reason }}"
            "{% else %}。{% endif %}工单已重新进入处理中，请继续跟进。",
            "en": "The resolution of the case “{{ case.title }}” was not accepted"
            "{% if reason %}: {{ reason }}{% else %}.{% endif %} The case is back in progress; "
            "please follow it up.",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}的处理结果被拒绝，已重新处理中。{{ url }}",
            "en": "The resolution of case {{ case.number }} was rejected; it is back in progress. "
            "{{ url }}",
        },
        "robot": {
            "zh-hans": "处理结果被拒绝，重新处理中",
            "en": "Resolution rejected, back in progress",
        },
    },
    "closed": {
        "case": True,
        "robot_title": {
            "zh-hans": "工单 {{ case.number }} 已关闭",
            "en": "Case {{ case.number }} closed",
        },
        "subject": {
            "zh-hans": "您的服务请求 {{ case.number }} 已关闭",
            "en": "Your request {{ case.number }} is closed",
        },
        "lead": {
            "zh-hans": "您报告的问题“{{ case.title }}”已关闭。感谢您的配合！如有新的问题，欢迎随时联系我们。",
            "en": "The problem you reported, “{{ case.title }}”, is closed. Thank you! If anything "
            "else comes up, contact us any time.",
        },
        "sms": {
            "zh-hans": "您的服务请求{{ case.number }}（{{ case.title }}）已关闭，感谢您的配合。",
            "en": "Your request {{ case.number }} ({{ case.title }}) is closed. Thank you.",
        },
        "robot": {"zh-hans": "工单已关闭", "en": "The case is closed."},
    },
    "reopened": {
        "case": True,
        "subject": {
            "zh-hans": "工单 {{ case.number }} 已重新打开",
            "en": "Case {{ case.number }} is reopened",
        },
        "lead": {
            "zh-hans": "工单“{{ case.title }}”已重新打开{% if reason %}，原因：{{ reason }}"
            "{% endif %}。请继续处理。",
            "en": "The case “{{ case.title }}” is reopened{% if reason %}. Reason: {{ reason }}"
            "{% endif %}. Please take it up again.",
        },
        "sms": {
            "zh-hans": "工单{{ case.number }}已重新打开，请继续处理：{{ case.title }}。{{ url }}",
            "en": "Case {{ case.number }} is reopened: {{ case.title }}. {{ url }}",
        },
        "robot": {"zh-hans": "工单已重新打开", "en": "Case reopened"},
    },
    "contract_expiring": {
        "case": False,
        "subject": {
            "zh-hans": "服务合同 {{ contract.number }} 将于 {{ days }} 天后到期",
            "en": "Service contract {{ contract.number }} ends in {{ days }} day{{ days|pluralize }}",
        },
        "lead": {
            "zh-hans": "{{ organisation }}的服务合同“{{ contract.name }}”（{{ contract.number }}）"
            "将于 {{ contract.end_date|date:'Y-m-d' }} 到期，还剩 {{ days }} 天。请及时安排续签。",
            "en": "The service contract “{{ contract.name }}” ({{ contract.number }}) of "
            "{{ organisation }} ends on {{ contract.end_date|date:'Y-m-d' }}, in {{ days }} "
            "day{{ days|pluralize }}. Please arrange its renewal.",
        },
        "sms": {
            "zh-hans": "{{ organisation }}的服务合同{{ contract.number }}将于"
            "{{ contract.end_date|date:'Y-m-d' }}到期（还剩{{ days }}天）。",
            "en": "Service contract {{ contract.number }} of {{ organisation }} ends on "
            "{{ contract.end_date|date:'Y-m-d' }} ({{ days }} day{{ days|pluralize }} left).",
        },
        "robot": {
            "zh-hans": "{{ organisation }}：{{ contract.name }}，到期日 "
            "{{ contract.end_date|date:'Y-m-d' }}",
            "en": "{{ organisation }}: {{ contract.name }}, ends on "
            "{{ contract.end_date|date:'Y-m-d' }}",
        },
    },
    "warranty_expiring": {
        "case": False,
        "subject": {
            "zh-hans": "{{ organisation }}：{{ count }} 台设备质保将于 {{ days }} 天后到期",
            "en": "{{ organisation }}: the warranty of {{ count }} asset{{ count|pluralize }} ends "
            "in {{ days }} day{{ days|pluralize }}",
        },
        "lead": {
            "zh-hans": "{{ organisation }}的 {{ count }} 台设备质保期至 {{ warranty_end|date:'Y-m-d' }}"
            "，还剩 {{ days }} 天{% if contract %}（合同 {{ contract }}）{% endif %}：\n"
            "{% for asset in assets %}- {{ asset.name }}（{{ asset.model }}，序列号 "
            "{{ asset.serial_number }}{% if asset.site %}，{{ asset.site }}{% endif %}）\n"
            "{% endfor %}{% if more %}……另有 {{ more }} 台\n{% endif %}",
            "en": "The warranty of {{ count }} asset{{ count|pluralize }} of {{ organisation }} "
            "ends on {{ warranty_end|date:'Y-m-d' }}, in {{ days }} day{{ days|pluralize }}"
            "{% if contract %} (contract {{ contract }}){% endif %}:\n"
            "{% for asset in assets %}- {{ asset.name }} ({{ asset.model }}, serial "
            "{{ asset.serial_number }}{% if asset.site %}, {{ asset.site }}{% endif %})\n"
            "{% endfor %}{% if more %}… and {{ more }} more\n{% endif %}",
        },
        "sms": {
            "zh-hans": "{{ organisation }}的{{ count }}台设备质保将于{{ warranty_end|date:'Y-m-d' }}"
            "到期（还剩{{ days }}天）。",
            "en": "Warranty of {{ count }} asset{{ count|pluralize }} of {{ organisation }} ends "
            "on {{ warranty_end|date:'Y-m-d' }} ({{ days }} day{{ days|pluralize }} left).",
        },
        "robot": {
            "zh-hans": "{{ organisation }}：{{ count }} 台设备质保至 {{ warranty_end|date:'Y-m-d' }}",
            "en": "{{ organisation }}: {{ count }} asset{{ count|pluralize }} in warranty until "
            "{{ warranty_end|date:'Y-m-d' }}",
        },
    },
    "password_reset": {
        "case": False,
        "subject": {
            "zh-hans": "重置您的售后服务系统密码",
            "en": "Reset your Aftersales password",
        },
        "lead": {
            "zh-hans": "我们收到了重置账号 {{ recipient.username }} 密码的请求。请打开以下链接设置新密码："
            "\n\n{{ url }}\n\n如果这不是您本人的操作，请忽略本消息，您的密码不会改变。",
            "en": "We were asked to reset the password of the account {{ recipient.username }}. "
            "Open this link to choose a new one:\n\n{{ url }}\n\nIf you did not ask for this, "
            "ignore this message: your password stays as it is.",
        },
        "sms": {
            "zh-hans": "您正在重置售后服务系统密码，请打开链接设置新密码：{{ url }}。如非本人操作请忽略。",
            "en": "To reset your Aftersales password, open {{ url }}. Ignore this if it was not "
            "you.",
        },
    },
    "test": {
        "case": False,
        "subject": {"zh-hans": "测试消息", "en": "Test message"},
        "lead": {
            "zh-hans": "这是一条来自售后服务管理系统的测试消息。{% if message %}\n\n{{ message }}"
            "{% endif %}",
            "en": "This is a test message from Aftersales.{% if message %}\n\n{{ message }}"
            "{% endif %}",
        },
        "sms": {
            "zh-hans": "售后服务管理系统测试短信。{{ message }}",
            "en": "Aftersales test message. {{ message }}",
        },
        "robot": {
            "zh-hans": "{{ message|default:'通知通道工作正常。' }}",
            "en": "{{ message|default:'The notification channel works.' }}",
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
            if "robot" in text:
                subject = text.get("robot_title", text["subject"])[language]
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
    dependencies = [("notifications", "0001_outbox_inapp_templates_robots_preferences")]

    operations = [migrations.RunPython(seed, unseed)]
