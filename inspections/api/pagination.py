from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from burden import plausible


class Pagination(PageNumberPagination):
    """``?page=2&page_size=500``: API_PAGE_SIZE rows a page unless asked; API_MAX_PAGE_SIZE most.

    Both are whole numbers in ASCII digits (``burden.plausible``): ``page`` from 1 to
    ``plausible.MAX_PAGE`` (or ``last``), ``page_size`` from 1 to API_MAX_PAGE_SIZE; anything else
    is a 400 naming the parameter (DRF alone would quietly use the default size). A page after
    the last is a 404, as DRF answers.
    """

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        return _whole(raw, self.page_size_query_param, self.max_page_size)

    def get_paginated_response(self, data):
        """The page, with its place in the list in the headers too: ``X-Total-Count`` and a
        ``Link`` to the next and previous pages (RFC 8288), so a CSV page (which has no room for
        them in its body) says that the list goes on."""
        response = super().get_paginated_response(data)
        response["X-Total-Count"] = str(self.page.paginator.count)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "")
        if raw == "":
            return 1
        if raw in self.last_page_strings:
            return raw
        return _whole(raw, self.page_query_param, plausible.MAX_PAGE)


def _whole(raw: str, name: str, maximum: int) -> int:
    try:
        return plausible.parse_whole_number(raw, name, minimum=1, maximum=maximum)
    except ValueError as exc:
        raise ValidationError({name: [str(exc)]}) from None
