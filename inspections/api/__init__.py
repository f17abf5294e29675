"""The REST API under ``/api/v1/`` (Django REST framework), described at ``/api/schema/``.

A program sees what a person sees on the pages, and may change what they may change there: the
views take their rows from the same selectors (``inspections.selectors``, with the user's access
from ``councils.access``), write through the same services (``inspections.services``), and
check input with the same forms and model rules, so that the messages match the pages'. Errors
come back as JSON naming the field: ``{"on_site_end": ["The on-site end must be …"]}``.
"""
