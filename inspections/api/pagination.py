from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=2&page_size=500``: API_PAGE_SIZE rows a page unless asked; API_MAX_PAGE_SIZE most."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
