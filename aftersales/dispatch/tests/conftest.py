"""Field-service fixtures: a case of organisation A on site A, a visit to it, signatures."""

import base64
import datetime as dt
import io

import pytest

from aftersales.cases.tests.factories import case_in_state, open_case
from aftersales.core.clock import now
from aftersales.dispatch import services


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files (signatures, reports) in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def field_case(org_a, site_a, asset_a, customer, dispatcher, engineer):
    """An in-progress case of organisation A about asset A, reported by the customer."""
    return case_in_state(
        "in_progress",
        organisation=org_a,
        dispatcher=dispatcher,
        engineer=engineer,
        assets=[asset_a],
        contact=customer.contact,
        title="中关村派出所3号摄像头夜间全黑",
    )


@pytest.fixture
def case_b(org_b, dispatcher, asset_b):
    return open_case(actor=dispatcher, organisation=org_b, assets=[asset_b], title="门诊楼NVR离线")


def window(hours_from_now: float = 1, length: float = 2) -> tuple[dt.datetime, dt.datetime]:
    start = now() + dt.timedelta(hours=hours_from_now)
    return start, start + dt.timedelta(hours=length)


@pytest.fixture
def visit(field_case, engineer, dispatcher):
    start, end = window()
    return services.visit_schedule(
        case=field_case,
        engineer=engineer,
        start=start,
        end=end,
        actor=dispatcher,
        purpose="检查供电",
    )


def signature_png(ink: bool = True, size=(300, 120)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if ink:
        draw = ImageDraw.Draw(image)
        draw.line(
            [(20, 80), (80, 30), (140, 90), (220, 40), (280, 70)], fill=(0, 0, 0, 255), width=4
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature_data_url(ink: bool = True) -> str:
    return "data:image/png;base64," + base64.b64encode(signature_png(ink)).decode()


@pytest.fixture
def on_site(visit, engineer):
    services.visit_depart(visit=visit, actor=engineer)
    return services.visit_arrive(visit=visit, actor=engineer)


@pytest.fixture
def signed(on_site, engineer):
    services.visit_sign(
        visit=on_site, actor=engineer, role="customer", name="王警官", image=signature_png()
    )
    return services.visit_sign(
        visit=on_site, actor=engineer, role="engineer", name="李强", image=signature_png()
    )
