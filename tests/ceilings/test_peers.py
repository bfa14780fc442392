"""The peer view: a branch far from the other branches' median cost per head is flagged."""

from decimal import Decimal

import pytest

from ceilings.peers import compare, per_head

D = Decimal


def test_a_branch_far_from_the_others_median_is_flagged_and_the_others_are_not():
    peers = {p.key: p for p in compare({"a": D(100), "b": D(105), "c": D(95), "d": D(100), "e": D(200)})}
    assert peers["e"].others_median == D(100) and peers["e"].deviation == D("1.0000")
    assert peers["e"].flagged(D("0.30"))
    assert not any(peers[k].flagged(D("0.30")) for k in "abcd")


def test_the_tolerance_decides_both_ways():
    peers = {p.key: p for p in compare({"a": D(60), "b": D(100), "c": D(100)})}
    assert peers["a"].deviation == D("-0.4000")
    assert peers["a"].flagged(D("0.30")) and not peers["a"].flagged(D("0.50"))


def test_per_head_without_heads_is_not_a_number():
    assert per_head(D(100), 0) is None
    assert per_head(D(100), 3) == D("33.33")


@pytest.mark.django_db
def test_the_peer_page_is_hqs(client, users, demo):
    client.force_login(users["auditor"])
    response = client.get("/ceilings/2020/peers/")
    assert response.status_code == 200 and 'data-unit="baoan"' in response.content.decode()
    client.force_login(users["baoan_head"])
    assert client.get("/ceilings/2020/peers/").status_code == 404
