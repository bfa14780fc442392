"""A role is named as the person's unit calls it (issue #10, point 6: hq_preparer is not a
branch's 分局经办人)."""

import pytest
from django.utils import translation

from core.models import Membership

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "username, label",
    [("hq_preparer", "局本级经办人"), ("hq_head", "局本级负责人"), ("baoan_preparer", "分局经办人"),
     ("hq_reviewer", "市局审核人")],
)  # fmt: skip
def test_the_role_label_depends_on_the_unit(demo, client, username, label):
    membership = Membership.objects.select_related("unit").get(user__username=username)
    with translation.override("zh-hans"):
        assert membership.role_label == label
    client.login(username=username, password="demo-2020")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True).content.decode()
    assert f"· {label}</span>" in page
