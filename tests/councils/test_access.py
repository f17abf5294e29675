"""The access module: who a user is, read once per request in one query."""

from councils.access import access_for
from tests.factories import make_user


def test_a_users_access_is_read_in_one_query(
    django_assert_num_queries, council_a, editor_a, viewer_a, lga_officer, administrator
):
    plain = make_user("no.council")
    region = council_a.region_id
    expected = {
        editor_a: (False, council_a.pk, "editor", region),
        viewer_a: (False, council_a.pk, "viewer", region),
        lga_officer: (True, None, None, None),
        plain: (False, None, None, None),
    }
    for user, (is_lga, council_id, role, region_id) in expected.items():
        user._burden_access = None
        # Every page asks: one query, not one for the membership and one for the LGA mark.
        with django_assert_num_queries(1):
            access = access_for(user)
        assert (
            access.is_lga_officer,
            access.council_id,
            access.role,
            access.council_region_id,
        ) == (is_lga, council_id, role, region_id)
        with django_assert_num_queries(0):
            assert access_for(user) is access
    with django_assert_num_queries(0):
        assert access_for(administrator).is_admin
