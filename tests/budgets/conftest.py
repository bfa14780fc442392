import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def staff_preparer(demo):
    """宝安's preparer, given every Django permission: the policy still decides."""
    preparer = get_user_model().objects.get(username="baoan_preparer")
    preparer.is_staff = preparer.is_superuser = True
    preparer.save()
    return preparer
